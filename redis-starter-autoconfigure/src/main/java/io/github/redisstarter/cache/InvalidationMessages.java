package io.github.redisstarter.cache;

import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * The messages that tell instances to drop near copies: {@value #ALL}, or {@code id:} and the id's UTF-16 code units
 * in Base64. An id is caller data and may hold anything, even a lone surrogate that UTF-8 would turn into '?'; this
 * form carries every id exactly.
 */
final class InvalidationMessages {

	static final String ALL = "all";

	private static final String ONE = "id:";

	private InvalidationMessages() {
	}

	static String one(String id) {
		byte[] units = new byte[id.length() * 2];
		for (int i = 0; i < id.length(); i++) {
			units[2 * i] = (byte) (id.charAt(i) >>> 8);
			units[2 * i + 1] = (byte) id.charAt(i);
		}
		return ONE + Base64.getEncoder().encodeToString(units);
	}

	/** The id a message names, or {@code null} for {@link #ALL} or a message this version does not know. */
	static @Nullable String id(String message) {
		if (!message.startsWith(ONE)) {
			return null;
		}
		byte[] units = Base64.getDecoder().decode(message.substring(ONE.length()));
		char[] chars = new char[units.length / 2];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = (char) (((units[2 * i] & 0xff) << 8) | (units[2 * i + 1] & 0xff));
		}
		return new String(chars);
	}

}
