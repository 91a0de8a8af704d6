package io.github.redisstarter.ratelimit;

import java.time.Duration;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisCommandSource;

/**
 * Makes rate limiters outside Spring (the auto-configuration makes the app's): the
 * in-memory one, usable on its own, the one on Redis, and the one an app gets, which
 * follows the backend. The implementations behind them are not API.
 */
public final class RateLimiters {

	/** The in-memory limiter's default bound on the keys it keeps per limit. */
	public static final long DEFAULT_MAX_KEYS_PER_LIMIT = 100_000;

	private RateLimiters() {
	}

	/**
	 * Limits counted in this JVM: the same GCRA as on Redis, lock-free, at most 100,000
	 * keys per limit.
	 */
	public static RateLimiter inMemory(RateLimits limits) {
		return inMemory(limits, DEFAULT_MAX_KEYS_PER_LIMIT);
	}

	/**
	 * @param maxKeysPerLimit how many keys each limit keeps at most; beyond it the least
	 * useful are dropped, which can only give those keys a fresh budget early
	 */
	public static RateLimiter inMemory(RateLimits limits, long maxKeysPerLimit) {
		return new InMemoryRateLimiter(limits, maxKeysPerLimit);
	}

	/**
	 * Limits shared by every instance through Redis, one EVALSHA per check. A check that
	 * Redis does not answer within the calls' deadline fails; {@link #withFailover}
	 * answers it instead.
	 */
	public static RateLimiter onRedis(RateLimits limits, RedisCommandSource commands, RedisCalls calls,
			RedisRateLimitSettings settings) {
		return new RedisRateLimiter(limits, commands, calls, settings);
	}

	/**
	 * The limiter an app gets: Redis while the backend is Redis, and while a configured
	 * Redis is away each limit's {@link OutagePolicy}. It registers with the backend
	 * state, so that each switch's log line says what every limit does until the next
	 * one.
	 * @param outageRetryAfter the retry time a {@code fail-closed} denial gives while
	 * Redis is away
	 */
	public static RateLimiter withFailover(RateLimits limits, RedisCommandSource commands, RedisCalls calls,
			RedisRateLimitSettings settings, long maxKeysPerLimit, Failover failover, RateLimitObserver observer,
			Duration outageRetryAfter) {
		FailoverRateLimiter limiter = new FailoverRateLimiter(new RedisRateLimiter(limits, commands, calls, settings),
				new InMemoryRateLimiter(limits, maxKeysPerLimit), failover, observer, outageRetryAfter);
		failover.state().addListener(limiter);
		return limiter;
	}

}
