package io.github.redisstarter.ratelimit;

import java.time.InstantSource;

import org.jspecify.annotations.Nullable;

/**
 * How the rate limiter on Redis keeps its keys.
 *
 * @param keyPrefix the first part of every key, without '{' or '}'
 * @param clock {@code null} to take time from Redis {@code TIME} (the default); a clock
 * for managed Redis services that forbid {@code TIME} in scripts (the app nodes' clocks
 * must then agree)
 * @param denyCacheSize how many recent denials are remembered locally; 0 turns the deny
 * cache off
 */
public record RedisRateLimitSettings(String keyPrefix, @Nullable InstantSource clock, long denyCacheSize) {

	public RedisRateLimitSettings {
		if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("'keyPrefix' must be non-empty text without '{' or '}' (they would"
					+ " break the cluster hash tag), got '" + keyPrefix + "'");
		}
		if (denyCacheSize < 0) {
			throw new IllegalArgumentException("'denyCacheSize' must not be negative, got " + denyCacheSize);
		}
	}

	public static RedisRateLimitSettings defaults() {
		return new RedisRateLimitSettings("rl", null, 10_000);
	}

}
