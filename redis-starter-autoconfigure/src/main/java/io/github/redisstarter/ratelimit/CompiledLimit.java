package io.github.redisstarter.ratelimit;

import java.util.List;

/**
 * A {@link RateLimit} ready for checks, built once by {@link RateLimits}: a check looks
 * its limit up once and finds here everything it needs, with {@code index} addressing
 * per-limit storage in arrays rather than maps.
 *
 * @param limit the limit as defined
 * @param bands its bands in the algorithm's integer units, in the same order
 * @param smallestPermits the fewest permits of its bands: no single request may cost more
 * @param index its position among the app's limits, from 0
 */
record CompiledLimit(RateLimit limit, List<GcraBand> bands, long smallestPermits, int index) {

	static CompiledLimit of(RateLimit limit, int index) {
		List<GcraBand> bands = limit.bands().stream().map((b) -> GcraBand.of(b.permits(), b.period())).toList();
		return new CompiledLimit(limit, bands, limit.smallestPermits(), index);
	}

	/**
	 * The one rule on what a request may cost: from 1 permit to the permits of the
	 * smallest band, or it could never be allowed.
	 * @throws IllegalArgumentException naming the cost and the limit
	 */
	void checkCost(long cost) {
		if (cost <= 0) {
			throw new IllegalArgumentException(
					"'cost' must be positive, got " + cost + " (rate limit '" + name() + "')");
		}
		if (cost > this.smallestPermits) {
			throw new IllegalArgumentException("'cost' " + cost + " exceeds the " + this.smallestPermits
					+ " permits of a band of rate limit " + this.limit + ", so it could never be allowed");
		}
	}

	String name() {
		return this.limit.name();
	}

}
