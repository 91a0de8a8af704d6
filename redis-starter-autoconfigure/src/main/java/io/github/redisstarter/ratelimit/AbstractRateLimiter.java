package io.github.redisstarter.ratelimit;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The part every limiter shares: resolving limit names, checking arguments (so that every
 * implementation rejects the same input with the same message), each looking its limit up
 * once.
 */
abstract class AbstractRateLimiter implements RateLimiter {

	private final RateLimits limits;

	AbstractRateLimiter(RateLimits limits) {
		this.limits = Objects.requireNonNull(limits, "'limits' must not be null");
	}

	@Override
	public final Decision tryAcquire(String limit, String key, long cost) {
		CompiledLimit resolved = resolve(limit, key, cost);
		return check(resolved, key, cost, true);
	}

	@Override
	public final CompletionStage<Decision> tryAcquireAsync(String limit, String key, long cost) {
		CompiledLimit resolved = resolve(limit, key, cost);
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

	/** Runs one check; {@code consume = false} only looks. Arguments are valid. */
	abstract Decision check(CompiledLimit limit, String key, long cost, boolean consume);

	abstract CompletionStage<Decision> checkAsync(CompiledLimit limit, String key, long cost, boolean consume);

	abstract void reset(CompiledLimit limit, String key);

	private CompiledLimit resolve(String limit, String key, long cost) {
		CompiledLimit resolved = this.limits.compiled(limit);
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("'key' must not be blank (rate limit '" + limit + "')");
		}
		resolved.checkCost(cost);
		return resolved;
	}

}
