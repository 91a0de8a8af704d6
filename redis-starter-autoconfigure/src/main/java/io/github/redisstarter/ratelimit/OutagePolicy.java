package io.github.redisstarter.ratelimit;

/**
 * What a {@link RateLimit} does while a configured Redis is away. Whichever applies is
 * logged once per switch and counted; it never happens silently. An app with no Redis
 * configured has no outage: the in-memory limiter is simply its limiter.
 */
public enum OutagePolicy {

	/**
	 * Check against the in-memory twin: the same limits, counted per instance until Redis
	 * is back. The default.
	 */
	FALLBACK,

	/** Allow every request without counting: availability over protection. */
	FAIL_OPEN,

	/** Deny every request: protection over availability. */
	FAIL_CLOSED

}
