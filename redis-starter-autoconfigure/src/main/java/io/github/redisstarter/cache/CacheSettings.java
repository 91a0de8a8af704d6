package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one {@link TwoLevelCache} keeps its values.
 *
 * @param ttl how long a value lives in Redis (and in memory when no Redis is configured)
 * @param negativeTtl how long a miss (the loader found nothing) is remembered
 * @param ttlJitter the fraction by which each TTL is shortened at random (0.1: up to
 * 10%), so that values cached together do not expire together
 * @param nearTtl how long a value lives in an instance's near cache (L1) while Redis is
 * in use
 * @param nearMaxSize the most values the near cache holds
 * @param degradedTtl the longest a value cached while a configured Redis is away lives:
 * other instances' evictions cannot reach this one then
 * @param loadTimeout how long a caller waits for another caller's load of the same id
 * before loading itself; also the longest a load may take and still be stored in Redis
 * @param version part of every Redis key of the cache: change it when the value type
 * changes incompatibly
 * @param maxValueBytes the largest encoded value the cache keeps; a loader answer above
 * it is refused with a {@link io.github.redisstarter.connection.PayloadTooLargeException}
 * and nothing is cached
 * @param acknowledgeEvictions whether an eviction waits until every instance has dropped
 * its copy (at most the subscription lease), or returns once Redis took it and the other
 * instances drop their copies when the message reaches them
 */
public record CacheSettings(Duration ttl, Duration negativeTtl, double ttlJitter, Duration nearTtl, long nearMaxSize,
		Duration degradedTtl, Duration loadTimeout, String version, long maxValueBytes, boolean acknowledgeEvictions) {

	/**
	 * 1 MiB: far above a role with its permissions, well below what would slow Redis
	 * down.
	 */
	public static final long DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

	private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,32}");

	public CacheSettings {
		positive("ttl", ttl);
		positive("negativeTtl", negativeTtl);
		positive("nearTtl", nearTtl);
		positive("degradedTtl", degradedTtl);
		positive("loadTimeout", loadTimeout);
		if (!(ttlJitter >= 0 && ttlJitter < 1)) {
			throw new IllegalArgumentException("'ttlJitter' must be at least 0 and below 1, got " + ttlJitter);
		}
		if (nearMaxSize <= 0) {
			throw new IllegalArgumentException("'nearMaxSize' must be positive, got " + nearMaxSize);
		}
		Objects.requireNonNull(version, "'version' must not be null");
		if (!VERSION.matcher(version).matches()) {
			throw new IllegalArgumentException(
					"'version' must be 1 to 32 letters, digits, '.', '_' or '-', got '" + version + "'");
		}
		if (maxValueBytes <= 0) {
			throw new IllegalArgumentException("'maxValueBytes' must be positive, got " + maxValueBytes);
		}
	}

	/**
	 * 5 minutes, misses 30 s, 10% jitter, near copies 1 minute (10,000 of them), 30 s
	 * while Redis is away, values to 1 MiB.
	 */
	public static CacheSettings defaults() {
		return new CacheSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), 0.1, Duration.ofMinutes(1), 10_000,
				Duration.ofSeconds(30), Duration.ofSeconds(10), "1", DEFAULT_MAX_VALUE_BYTES);
	}

	/** Settings whose evictions are acknowledged. */
	public CacheSettings(Duration ttl, Duration negativeTtl, double ttlJitter, Duration nearTtl, long nearMaxSize,
			Duration degradedTtl, Duration loadTimeout, String version, long maxValueBytes) {
		this(ttl, negativeTtl, ttlJitter, nearTtl, nearMaxSize, degradedTtl, loadTimeout, version, maxValueBytes, true);
	}

	public CacheSettings withTtl(Duration ttl) {
		return new CacheSettings(ttl, this.negativeTtl, this.ttlJitter, this.nearTtl, this.nearMaxSize,
				this.degradedTtl, this.loadTimeout, this.version, this.maxValueBytes, this.acknowledgeEvictions);
	}

	public CacheSettings withAcknowledgeEvictions(boolean acknowledgeEvictions) {
		return new CacheSettings(this.ttl, this.negativeTtl, this.ttlJitter, this.nearTtl, this.nearMaxSize,
				this.degradedTtl, this.loadTimeout, this.version, this.maxValueBytes, acknowledgeEvictions);
	}

	private static void positive(String name, Duration value) {
		Objects.requireNonNull(value, "'" + name + "' must not be null");
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("'" + name + "' must be a positive duration, got " + value);
		}
	}

}
