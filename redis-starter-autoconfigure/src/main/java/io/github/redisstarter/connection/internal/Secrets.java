package io.github.redisstarter.connection.internal;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Masks secrets in text that leaves the starter (logs, exception messages, health
 * details): the configured passwords wherever they appear, and the userinfo part of any
 * URL.
 */
public final class Secrets {

	/** What a secret is replaced with. */
	public static final String MASK = "******";

	private static final Secrets NONE = new Secrets(List.of());

	private final List<String> values;

	private Secrets(List<String> values) {
		this.values = values;
	}

	/** Masks these values (nulls and blanks are ignored) on top of URL userinfo. */
	public static Secrets of(Collection<? extends @Nullable String> secrets) {
		return new Secrets(secrets.stream()
			.filter(Objects::nonNull)
			.filter(s -> !s.isBlank())
			.distinct()
			// The longest first, so that a password containing another one is masked
			// whole.
			.sorted((a, b) -> Integer.compare(b.length(), a.length()))
			.map(String.class::cast)
			.toList());
	}

	/** Masks URL userinfo only. */
	public static Secrets none() {
		return NONE;
	}

	public String mask(@Nullable String text) {
		if (text == null) {
			return "";
		}
		String masked = maskUrlUserInfo(text);
		for (String secret : this.values) {
			masked = masked.replace(secret, MASK);
		}
		return masked;
	}

	/**
	 * Masks what stands between {@code scheme://} and the {@code @} that ends the
	 * userinfo, keeping a username: {@code rediss://app:s3cret@host} becomes
	 * {@code rediss://app:******@host}, and {@code redis://s3cret@host} becomes
	 * {@code redis://******@host}. Works on malformed URLs too, which is where it matters
	 * most.
	 */
	static String maskUrlUserInfo(String text) {
		StringBuilder out = new StringBuilder(text.length());
		int from = 0;
		int scheme;
		while ((scheme = text.indexOf("://", from)) >= 0) {
			int authorityStart = scheme + 3;
			int authorityEnd = authorityStart;
			while (authorityEnd < text.length() && "/?# \t\r\n'\"".indexOf(text.charAt(authorityEnd)) < 0) {
				authorityEnd++;
			}
			int at = text.lastIndexOf('@', authorityEnd - 1);
			out.append(text, from, authorityStart);
			if (at >= authorityStart) {
				int colon = text.indexOf(':', authorityStart);
				boolean hasUsername = colon >= 0 && colon < at;
				if (hasUsername) {
					out.append(text, authorityStart, colon + 1);
				}
				out.append(MASK);
				out.append(text, at, authorityEnd);
			}
			else {
				out.append(text, authorityStart, authorityEnd);
			}
			from = authorityEnd;
		}
		out.append(text, from, text.length());
		return out.toString();
	}

}
