package io.github.redisstarter.ratelimit;

/**
 * Hears every decision and error of a {@link RateLimiter}: the hook for metrics. Calls
 * must be quick and not throw.
 */
public interface RateLimitObserver {

	RateLimitObserver NONE = new RateLimitObserver() {
	};

	/** A check ended in a decision, after {@code nanos} nanoseconds. */
	default void onDecision(RateLimit limit, Decision decision, long nanos) {
	}

	/** A check failed and the caller got the exception. */
	default void onError(RateLimit limit, Throwable failure) {
	}

}
