package io.github.redisstarter.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Checks requests against named {@link RateLimit}s. The bean the starter provides is
 * shared by every instance of the app through Redis, and keeps working on an in-memory
 * twin while Redis is away (per each limit's {@link OutagePolicy}).
 *
 * <p>
 * A key is the caller's data (a client IP, a user id, an API token): any non-blank string
 * is safe, whatever its characters or length, and the same key under two limits never
 * shares a budget.
 *
 * @see RateLimits
 */
public interface RateLimiter {

	/** Takes one permit for {@code key} under the named limit, if the limit allows it. */
	default Decision tryAcquire(String limit, String key) {
		return tryAcquire(limit, key, 1);
	}

	/**
	 * Takes {@code cost} permits for {@code key} under the named limit, if every band of
	 * the limit allows it; otherwise takes nothing.
	 * @throws IllegalArgumentException naming the argument: an unknown limit, a blank
	 * key, a cost that is not positive or exceeds the permits of a band (it could never
	 * be allowed)
	 */
	Decision tryAcquire(String limit, String key, long cost);

	/** {@link #tryAcquire(String, String)} without blocking the caller. */
	default CompletionStage<Decision> tryAcquireAsync(String limit, String key) {
		return tryAcquireAsync(limit, key, 1);
	}

	/**
	 * {@link #tryAcquire(String, String, long)} without blocking the caller. Argument
	 * errors are thrown at once; the stage completes on the Redis client's thread, so
	 * keep what follows it short.
	 */
	CompletionStage<Decision> tryAcquireAsync(String limit, String key, long cost);

	/**
	 * Whether one permit would be allowed now, and how many remain, without taking any.
	 */
	Decision peek(String limit, String key);

	/** Gives {@code key} a full budget again under the named limit. */
	void reset(String limit, String key);

	/** The limits this limiter knows. */
	RateLimits limits();

}
