package io.github.redisstarter.connection;

/**
 * A value refused before it reached Redis because it is larger than the configured limit:
 * a cache value or a broadcast message. Nothing was stored or sent; the message names the
 * limit's property.
 */
public final class PayloadTooLargeException extends IllegalArgumentException {

	private final long size;

	private final long limit;

	public PayloadTooLargeException(String what, long size, long limit, String property) {
		super(what + " is " + size + " bytes, above the limit of " + limit + " bytes (" + property
				+ "); send or cache a reference (an id) instead of the data, or raise the limit");
		this.size = size;
		this.limit = limit;
	}

	/** The payload's size in bytes (UTF-8 for text). */
	public long size() {
		return this.size;
	}

	public long limit() {
		return this.limit;
	}

	/**
	 * Refuses text whose UTF-8 form is larger than {@code limit} bytes, without encoding
	 * it.
	 * @param what the payload, for the message, such as
	 * {@code "the broadcast message on 'chat'"}
	 */
	public static void check(CharSequence text, long limit, String what, String property) {
		// Three bytes per char at most (a surrogate pair is two chars for four bytes):
		// short text needs no count.
		if (text.length() * 3L <= limit) {
			return;
		}
		long size = utf8Length(text);
		if (size > limit) {
			throw new PayloadTooLargeException(what, size, limit, property);
		}
	}

	static long utf8Length(CharSequence text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes += 1;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				// A lone surrogate: Java's UTF-8 encoder writes '?'.
				bytes += 1;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
