package io.github.redisstarter.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Names the Redis keys of a check: {@code <prefix>:{<limit>:<key>}} for the first band and
 * {@code <prefix>:{<limit>:<key>}:<i>} for band {@code i}. The braces are a cluster hash tag, so every band of one
 * check lands in one slot; a limit name holds no ':' so two limits never share a key.
 *
 * <p>
 * A caller's key goes in as is when it is short, well-formed Unicode and does not start with '#'. Any other key (long,
 * or holding a lone surrogate that UTF-8 cannot encode, which would otherwise collide with '?') is replaced by
 * {@code #} and the SHA-256 of its UTF-16 code units: the key name stays small and distinct keys stay distinct.
 */
final class RedisKeys {

	/** Longer caller keys are digested: a 10 KB key would otherwise cost 10 KB of Redis memory per idle key. */
	static final int MAX_PLAIN_LENGTH = 128;

	private final String prefix;

	RedisKeys(String prefix) {
		if (prefix == null || prefix.isEmpty() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("'prefix' must be non-empty text without '{' or '}' (they would break the"
					+ " cluster hash tag), got '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	byte[][] of(RateLimit limit, String key, int bands) {
		String base = this.prefix + ":{" + limit.name() + ":" + encode(key) + "}";
		byte[][] keys = new byte[bands][];
		keys[0] = base.getBytes(StandardCharsets.UTF_8);
		for (int i = 1; i < bands; i++) {
			keys[i] = (base + ":" + i).getBytes(StandardCharsets.UTF_8);
		}
		return keys;
	}

	static String encode(String key) {
		if (key.length() <= MAX_PLAIN_LENGTH && key.charAt(0) != '#' && isWellFormed(key)) {
			return key;
		}
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (int i = 0; i < key.length(); i++) {
				char c = key.charAt(i);
				digest.update((byte) (c >>> 8));
				digest.update((byte) c);
			}
			return "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	private static boolean isWellFormed(String key) {
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 == key.length() || !Character.isLowSurrogate(key.charAt(i + 1))) {
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
