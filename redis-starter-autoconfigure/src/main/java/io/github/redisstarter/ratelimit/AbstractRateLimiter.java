package io.github.redisstarter.ratelimit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The part every limiter shares: resolving limit names, checking arguments (so that every implementation rejects the
 * same input with the same message) and the {@link GcraBand}s of each limit.
 */
abstract class AbstractRateLimiter implements RateLimiter {

	private final RateLimits limits;

	private final Map<String, List<GcraBand>> bands = new HashMap<>();

	/** Per limit, the fewest permits of its bands: computed once, off the hot path. */
	private final Map<String, Long> smallestPermits = new HashMap<>();

	AbstractRateLimiter(RateLimits limits) {
		this.limits = Objects.requireNonNull(limits, "'limits' must not be null");
		for (RateLimit limit : limits.all()) {
			this.bands.put(limit.name(), limit.bands().stream().map((b) -> GcraBand.of(b.permits(), b.period())).toList());
			this.smallestPermits.put(limit.name(), limit.smallestPermits());
		}
	}

	@Override
	public final Decision tryAcquire(String limit, String key, long cost) {
		RateLimit resolved = resolve(limit, key, cost);
		return check(resolved, key, cost, true);
	}

	@Override
	public final CompletionStage<Decision> tryAcquireAsync(String limit, String key, long cost) {
		RateLimit resolved = resolve(limit, key, cost);
		return checkAsync(resolved, key, cost, true);
	}

	@Override
	public final Decision peek(String limit, String key) {
		return check(resolve(limit, key, 1), key, 1, false);
	}

	@Override
	public final void reset(String limit, String key) {
		reset(resolve(limit, key, 1), key);
	}

	@Override
	public final RateLimits limits() {
		return this.limits;
	}

	List<GcraBand> bands(RateLimit limit) {
		return this.bands.get(limit.name());
	}

	/** Runs one check; {@code consume = false} only looks. Arguments are valid. */
	abstract Decision check(RateLimit limit, String key, long cost, boolean consume);

	abstract CompletionStage<Decision> checkAsync(RateLimit limit, String key, long cost, boolean consume);

	abstract void reset(RateLimit limit, String key);

	private RateLimit resolve(String limit, String key, long cost) {
		RateLimit resolved = this.limits.get(limit);
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("'key' must not be blank (rate limit '" + limit + "')");
		}
		if (cost <= 0) {
			throw new IllegalArgumentException("'cost' must be positive, got " + cost + " (rate limit '" + limit + "')");
		}
		if (cost > this.smallestPermits.get(limit)) {
			throw new IllegalArgumentException("'cost' " + cost + " exceeds the " + resolved.smallestPermits()
					+ " permits of a band of rate limit " + resolved + ", so it could never be allowed");
		}
		return resolved;
	}

}
