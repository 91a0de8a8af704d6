package io.github.redisstarter.ratelimit;

import java.nio.charset.StandardCharsets;

import io.github.redisstarter.connection.internal.RedisKeyEncoding;

/**
 * Names the Redis keys of a check: {@code <prefix>:{<limit>:<key>}} for the first band
 * and {@code <prefix>:{<limit>:<key>}:<i>} for band {@code i}. The braces are a cluster
 * hash tag, so every band of one check lands in one slot; a limit name holds no ':' so
 * two limits never share a key.
 *
 * <p>
 * The caller's key is written as {@link RedisKeyEncoding} encodes it.
 */
final class RedisKeys {

	private final String prefix;

	RedisKeys(String prefix) {
		if (prefix == null || prefix.isEmpty() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"'prefix' must be non-empty text without '{' or '}' (they would break the"
							+ " cluster hash tag), got '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	byte[][] of(RateLimit limit, String key, int bands) {
		String base = this.prefix + ":{" + limit.name() + ":" + RedisKeyEncoding.encode(key) + "}";
		byte[][] keys = new byte[bands][];
		keys[0] = base.getBytes(StandardCharsets.UTF_8);
		for (int i = 1; i < bands; i++) {
			keys[i] = (base + ":" + i).getBytes(StandardCharsets.UTF_8);
		}
		return keys;
	}

}
