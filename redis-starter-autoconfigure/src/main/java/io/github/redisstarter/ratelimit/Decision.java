package io.github.redisstarter.ratelimit;

import java.time.Duration;

/**
 * The answer to one check.
 *
 * @param allowed whether the request may go ahead (its permits were taken)
 * @param limit the permits per period of the band that decided: the tightest one
 * @param remaining permits left in that band now, after this request if it was allowed
 * @param retryAfter when denied, how long until the same request would be allowed; zero
 * when allowed
 * @param resetAfter how long until that band's budget is full again
 * @param band the index of that band in {@link RateLimit#bands()}
 * @param source where the answer came from
 */
public record Decision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration resetAfter, int band,
		Source source) {

	/** This decision, as coming from another source. */
	Decision from(Source other) {
		return new Decision(this.allowed, this.limit, this.remaining, this.retryAfter, this.resetAfter, this.band,
				other);
	}

	/**
	 * Reads a {@link Gcra} reply (the in-memory limiter's or the script's): the deciding
	 * band is, when denied, the one that makes the caller wait longest, and when allowed,
	 * the one with the fewest permits left.
	 */
	static Decision of(CompiledLimit limit, long[] reply, Source source) {
		boolean allowed = reply[Gcra.ALLOWED] == 1;
		int deciding = 0;
		long fewestRemaining = Long.MAX_VALUE;
		for (int i = 0; i < limit.bands().size(); i++) {
			int at = 1 + i * Gcra.FIELDS_PER_BAND;
			int best = 1 + deciding * Gcra.FIELDS_PER_BAND;
			fewestRemaining = Math.min(fewestRemaining, reply[at]);
			boolean tighter = allowed ? reply[at] < reply[best]
					: reply[at + 2] > reply[best + 2] || (reply[at + 2] == reply[best + 2] && reply[at] < reply[best]);
			if (tighter) {
				deciding = i;
			}
		}
		int at = 1 + deciding * Gcra.FIELDS_PER_BAND;
		return new Decision(allowed, limit.bands().get(deciding).permits(), allowed ? reply[at] : fewestRemaining,
				Duration.ofNanos(reply[at + 2] * 1000), Duration.ofNanos(reply[at + 1] * 1000), deciding, source);
	}

	/**
	 * Where a decision came from: tells metrics and logs apart what the caller cannot
	 * see.
	 */
	public enum Source {

		/** The Redis script: shared by every instance. */
		REDIS,

		/**
		 * The in-memory limiter, because no Redis is configured (or
		 * {@code redis-starter.mode=memory}).
		 */
		MEMORY,

		/**
		 * The in-memory limiter standing in for Redis during an outage: the
		 * {@code fallback} policy.
		 */
		FALLBACK,

		/**
		 * The local deny cache: the key was denied recently and its retry time has not
		 * come, so Redis was not asked.
		 */
		DENY_CACHE,

		/** The {@code fail-open} policy during an outage: allowed without counting. */
		FAIL_OPEN,

		/** The {@code fail-closed} policy during an outage: denied without counting. */
		FAIL_CLOSED

	}

}
