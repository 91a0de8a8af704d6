package io.github.redisstarter.connection.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Turns caller data (a rate-limit key, a cache id) into the part of a Redis key name that
 * holds it. A short, well-formed string that does not start with '#' goes in as is,
 * readable in {@code redis-cli}. Any other (longer than {@value #MAX_PLAIN_LENGTH}
 * characters, or holding a lone surrogate that UTF-8 cannot encode and would turn into
 * '?') becomes {@code #} and the SHA-256 of its UTF-16 code units: the key name stays
 * small, and distinct strings stay distinct.
 */
public final class RedisKeyEncoding {

	/**
	 * Longer strings are digested: a 10 KB id would otherwise cost 10 KB of Redis memory
	 * per key.
	 */
	public static final int MAX_PLAIN_LENGTH = 128;

	private RedisKeyEncoding() {
	}

	public static String encode(String data) {
		if (data.length() <= MAX_PLAIN_LENGTH && !data.startsWith("#") && isWellFormed(data)) {
			return data;
		}
		return digest(data);
	}

	/**
	 * The form of caller data kept as a key in this JVM's memory (the in-memory limiter,
	 * the deny cache): itself when short and not starting with '#', its digest otherwise,
	 * so that a map of many keys is bounded in bytes as well as in entries. Java strings
	 * carry any text exactly, so, unlike {@link #encode}, well-formedness does not
	 * matter.
	 */
	public static String compact(String data) {
		return (data.length() <= MAX_PLAIN_LENGTH && !data.startsWith("#")) ? data : digest(data);
	}

	private static String digest(String data) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (int i = 0; i < data.length(); i++) {
				char c = data.charAt(i);
				digest.update((byte) (c >>> 8));
				digest.update((byte) c);
			}
			return "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	/** Whether UTF-8 can carry this text as it is: no lone surrogate. */
	public static boolean isWellFormed(String data) {
		for (int i = 0; i < data.length(); i++) {
			char c = data.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 == data.length() || !Character.isLowSurrogate(data.charAt(i + 1))) {
					return false;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

}
