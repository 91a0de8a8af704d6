package io.github.redisstarter.autoconfigure.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimitObserver;
import io.github.redisstarter.ratelimit.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Rate-limit meters, tagged by limit name (never by key, which would grow without bound):
 * {@value #DECISIONS} ({@code result=allowed|denied},
 * {@code source=redis|memory|fallback|deny-cache|fail-open|fail-closed}),
 * {@value #FALLBACKS} (checks answered by an outage policy,
 * {@code policy=fallback|fail-open|fail-closed}), {@value #ERRORS} (checks that threw)
 * and the {@value #CHECK} timer. Every meter of every limit exists from startup, at zero,
 * so dashboards and alerts see it before the first outage.
 */
public class RateLimitMetrics implements MeterBinder, RateLimitObserver {

	public static final String DECISIONS = "redis.starter.ratelimit.decisions";

	public static final String FALLBACKS = "redis.starter.ratelimit.fallbacks";

	public static final String ERRORS = "redis.starter.ratelimit.errors";

	public static final String CHECK = "redis.starter.ratelimit.check";

	private static final Decision.Source[] SOURCES = Decision.Source.values();

	private final RateLimits limits;

	/** Per registry, per limit name: the meters, so that recording is an array lookup. */
	private final List<Map<String, LimitMeters>> bound = new CopyOnWriteArrayList<>();

	public RateLimitMetrics(RateLimits limits) {
		this.limits = limits;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Map<String, LimitMeters> meters = new HashMap<>();
		for (RateLimit limit : this.limits.all()) {
			meters.put(limit.name(), new LimitMeters(registry, limit.name()));
		}
		this.bound.add(meters);
	}

	@Override
	public void onDecision(RateLimit limit, Decision decision, long nanos) {
		for (Map<String, LimitMeters> meters : this.bound) {
			LimitMeters m = meters.get(limit.name());
			m.decisions[decision.allowed() ? 0 : 1][decision.source().ordinal()].increment();
			Counter fallback = m.fallbacks[decision.source().ordinal()];
			if (fallback != null) {
				fallback.increment();
			}
			m.check.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void onError(RateLimit limit, Throwable failure) {
		for (Map<String, LimitMeters> meters : this.bound) {
			meters.get(limit.name()).errors.increment();
		}
	}

	static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static final class LimitMeters {

		final Counter[][] decisions = new Counter[2][SOURCES.length];

		final Counter[] fallbacks = new Counter[SOURCES.length];

		final Counter errors;

		final Timer check;

		LimitMeters(MeterRegistry registry, String limit) {
			for (Decision.Source source : SOURCES) {
				for (int allowed = 0; allowed < 2; allowed++) {
					this.decisions[allowed][source.ordinal()] = Counter.builder(DECISIONS)
						.tag("limit", limit)
						.tag("result", (allowed == 0) ? "allowed" : "denied")
						.tag("source", tag(source))
						.description("Rate-limit checks by outcome and by where the answer came from")
						.register(registry);
				}
			}
			for (Decision.Source source : List.of(Decision.Source.FALLBACK, Decision.Source.FAIL_OPEN,
					Decision.Source.FAIL_CLOSED)) {
				this.fallbacks[source.ordinal()] = Counter.builder(FALLBACKS)
					.tag("limit", limit)
					.tag("policy", tag(source))
					.description("Rate-limit checks answered by the outage policy while Redis was away")
					.register(registry);
			}
			this.errors = Counter.builder(ERRORS)
				.tag("limit", limit)
				.description("Rate-limit checks that failed with an exception")
				.register(registry);
			this.check = Timer.builder(CHECK)
				.tag("limit", limit)
				.description("Time a rate-limit check took, Redis round trip included")
				.register(registry);
		}

	}

}
