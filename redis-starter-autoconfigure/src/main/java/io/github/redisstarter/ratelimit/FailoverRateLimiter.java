package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import io.github.redisstarter.connection.Failover;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RateLimiter} an app gets: Redis while the backend is Redis, and while a
 * configured Redis is away each limit's {@link OutagePolicy}. With no Redis configured,
 * the in-memory limiter is the limiter and no policy applies. Every decision and error
 * goes to the {@link RateLimitObserver}; each switch is logged once, naming what every
 * limit does until the next one.
 */
final class FailoverRateLimiter extends AbstractRateLimiter implements BackendSwitchListener {

	private final RedisRateLimiter redis;

	private final InMemoryRateLimiter memory;

	private final Failover failover;

	private final RateLimitObserver observer;

	private final Duration outageRetryAfter;

	/**
	 * @param outageRetryAfter the retry time a {@code fail-closed} denial gives while
	 * Redis is away
	 */
	FailoverRateLimiter(RedisRateLimiter redis, InMemoryRateLimiter memory, Failover failover,
			RateLimitObserver observer, Duration outageRetryAfter) {
		super(redis.limits());
		if (memory.limits() != redis.limits()) {
			throw new IllegalArgumentException("'redis' and 'memory' must share one RateLimits");
		}
		this.redis = redis;
		this.memory = memory;
		this.failover = failover;
		this.observer = observer;
		this.outageRetryAfter = outageRetryAfter;
	}

	@Override
	Decision check(CompiledLimit limit, String key, long cost, boolean consume) {
		long start = System.nanoTime();
		try {
			Decision decision = this.failover.call(() -> this.redis.check(limit, key, cost, consume),
					() -> withoutRedis(limit, key, cost, consume));
			this.observer.onDecision(limit.limit(), decision, System.nanoTime() - start);
			return decision;
		}
		catch (RuntimeException ex) {
			this.observer.onError(limit.limit(), ex);
			throw ex;
		}
	}

	@Override
	CompletionStage<Decision> checkAsync(CompiledLimit limit, String key, long cost, boolean consume) {
		long start = System.nanoTime();
		return this.failover
			.callAsync(() -> this.redis.checkAsync(limit, key, cost, consume),
					() -> withoutRedis(limit, key, cost, consume))
			.whenComplete((decision, failure) -> {
				if (failure != null) {
					this.observer.onError(limit.limit(), failure);
				}
				else {
					this.observer.onDecision(limit.limit(), decision, System.nanoTime() - start);
				}
			});
	}

	@Override
	void reset(CompiledLimit limit, String key) {
		// Both sides: the in-memory budget of an outage must not outlive a reset either.
		this.memory.reset(limit, key);
		this.failover.run(() -> this.redis.reset(limit, key), () -> {
		});
	}

	private Decision withoutRedis(CompiledLimit limit, String key, long cost, boolean consume) {
		if (!this.failover.state().canFallBack()) {
			return this.memory.check(limit, key, cost, consume);
		}
		return switch (limit.limit().outagePolicy()) {
			case FALLBACK -> this.memory.check(limit, key, cost, consume).from(Decision.Source.FALLBACK);
			case FAIL_OPEN -> new Decision(true, firstPermits(limit), firstPermits(limit), Duration.ZERO, Duration.ZERO,
					0, Decision.Source.FAIL_OPEN);
			case FAIL_CLOSED -> new Decision(false, firstPermits(limit), 0, this.outageRetryAfter,
					this.outageRetryAfter, 0, Decision.Source.FAIL_CLOSED);
		};
	}

	private static long firstPermits(CompiledLimit limit) {
		return limit.bands().get(0).permits();
	}

	@Override
	public void onSwitch(BackendSwitch change) {
		// Nothing to do: every check asks the backend state; the switch line says what
		// the limits do meanwhile.
	}

	@Override
	public @Nullable String whileAway() {
		if (limits().all().isEmpty()) {
			return null;
		}
		Map<OutagePolicy, List<String>> byPolicy = new EnumMap<>(OutagePolicy.class);
		for (RateLimit limit : limits().all()) {
			byPolicy.computeIfAbsent(limit.outagePolicy(), (p) -> new ArrayList<>()).add(limit.name());
		}
		List<String> parts = new ArrayList<>();
		byPolicy.forEach((policy, names) -> parts.add(describe(policy) + " for " + names.stream().sorted().toList()));
		return "rate limits " + String.join(", ", parts);
	}

	private static String describe(OutagePolicy policy) {
		return switch (policy) {
			case FALLBACK -> "counted in memory, per instance (fallback)";
			case FAIL_OPEN -> "every request allowed (fail-open)";
			case FAIL_CLOSED -> "every request denied (fail-closed)";
		};
	}

}
