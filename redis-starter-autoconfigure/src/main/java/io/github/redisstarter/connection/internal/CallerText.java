package io.github.redisstarter.connection.internal;

/**
 * Caller data (a key, an id, a channel name) quoted for an exception message or a log
 * line: control characters and lone surrogates escaped, so that a hostile value cannot
 * forge log lines, and cut after {@value #SHOWN} characters, so that a long one cannot
 * flood them.
 */
public final class CallerText {

	static final int SHOWN = 64;

	private CallerText() {
	}

	/** The text in single quotes, escaped and cut, with its length when cut. */
	public static String quote(String text) {
		StringBuilder out = new StringBuilder(Math.min(text.length(), SHOWN) + 2).append('\'');
		int end = Math.min(text.length(), SHOWN);
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\'') {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		out.append('\'');
		if (text.length() > SHOWN) {
			out.append("... (").append(text.length()).append(" chars)");
		}
		return out.toString();
	}

}
