package io.github.redisstarter.cache;

import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * The messages that tell instances to drop near copies: {@value #ALL}, or {@code id:} and
 * the id's UTF-16 code units in Base64. An id is caller data and may hold anything, even
 * a lone surrogate that UTF-8 would turn into '?'; this form carries every id exactly.
 *
 * <p>
 * An eviction that waits for acknowledgments prefixes its message with
 * {@code ack:<instance>:<sequence>:}: each instance answers on the evicting instance's
 * channel once its copy is gone ({@link Acknowledgments}). A version that does not know
 * the prefix takes the message for one it does not know, and drops every copy: safe.
 */
final class InvalidationMessages {

	static final String ALL = "all";

	private static final String ONE = "id:";

	private static final String ACK = "ack:";

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

	/**
	 * {@code message}, asking every instance to acknowledge it to {@code instance} under
	 * {@code sequence}.
	 */
	static String acknowledged(String message, String instance, long sequence) {
		return ACK + instance + ":" + sequence + ":" + message;
	}

	/**
	 * What a message asks. Anything this version cannot read, a malformed id included,
	 * asks to drop every copy: a message is never a reason to keep a copy.
	 */
	static Invalidation read(String message) {
		String instance = null;
		long sequence = 0;
		String body = message;
		if (body.startsWith(ACK)) {
			int instanceEnd = body.indexOf(':', ACK.length());
			int sequenceEnd = (instanceEnd < 0) ? -1 : body.indexOf(':', instanceEnd + 1);
			if (sequenceEnd < 0) {
				return new Invalidation(null, null, 0);
			}
			try {
				sequence = Long.parseLong(body.substring(instanceEnd + 1, sequenceEnd));
				instance = body.substring(ACK.length(), instanceEnd);
			}
			catch (NumberFormatException ex) {
				return new Invalidation(null, null, 0);
			}
			body = body.substring(sequenceEnd + 1);
		}
		return new Invalidation(id(body), instance, sequence);
	}

	/**
	 * The id a message body names, or {@code null} for {@link #ALL} or a body this
	 * version cannot read.
	 */
	private static @Nullable String id(String body) {
		if (!body.startsWith(ONE)) {
			return null;
		}
		byte[] units;
		try {
			units = Base64.getDecoder().decode(body.substring(ONE.length()));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		if (units.length == 0 || units.length % 2 != 0) {
			return null;
		}
		char[] chars = new char[units.length / 2];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = (char) (((units[2 * i] & 0xff) << 8) | (units[2 * i + 1] & 0xff));
		}
		return new String(chars);
	}

	/**
	 * One invalidation.
	 *
	 * @param id the id to drop, or {@code null} for every id
	 * @param instance the instance that waits for an acknowledgment, or {@code null}
	 * @param sequence what to acknowledge with
	 */
	record Invalidation(@Nullable String id, @Nullable String instance, long sequence) {
	}

}
