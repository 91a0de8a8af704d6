package io.github.redisstarter.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.redisstarter.cache.CacheObserver;
import io.github.redisstarter.cache.Eviction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Cache meters, tagged by cache name (never by id): {@value #GETS} ({@code level=l1|l2},
 * {@code result=hit|miss}), {@value #LOADS} ({@code result=found|empty|failed}), the
 * {@value #LOAD} timer, {@value #ERRORS} (failed Redis calls), {@value #EVICTIONS}
 * ({@code scope=one|all}) and {@value #POISONED} (values that no longer decoded). A
 * cache's meters appear with its first event.
 */
public class CacheMetrics implements MeterBinder, CacheObserver {

	public static final String GETS = "redis.starter.cache.gets";

	public static final String LOADS = "redis.starter.cache.loads";

	public static final String LOAD = "redis.starter.cache.load";

	public static final String ERRORS = "redis.starter.cache.errors";

	public static final String EVICTIONS = "redis.starter.cache.evictions";

	public static final String POISONED = "redis.starter.cache.poisoned";

	public static final String UNACKNOWLEDGED = "redis.starter.cache.evictions.unacknowledged";

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * Per registry, per cache: its meters, so that the hot path is two map lookups and an
	 * increment.
	 */
	private final List<Map<String, CacheMeters>> meters = new CopyOnWriteArrayList<>();

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.meters.add(new ConcurrentHashMap<>());
	}

	@Override
	public void onHit(String cache, Level level) {
		each(cache, (m) -> m.gets[level.ordinal()][0].increment());
	}

	@Override
	public void onMiss(String cache, Level level) {
		each(cache, (m) -> m.gets[level.ordinal()][1].increment());
	}

	@Override
	public void onLoad(String cache, long nanos, boolean found) {
		each(cache, (m) -> {
			(found ? m.found : m.empty).increment();
			m.load.record(nanos, TimeUnit.NANOSECONDS);
		});
	}

	@Override
	public void onLoadFailure(String cache, Throwable failure) {
		each(cache, (m) -> m.failed.increment());
	}

	@Override
	public void onError(String cache, Throwable failure) {
		each(cache, (m) -> m.errors.increment());
	}

	@Override
	public void onEviction(String cache, boolean all, Eviction eviction) {
		each(cache, (m) -> m.evictions[all ? 1 : 0][eviction.ordinal()].increment());
	}

	@Override
	public void onUnacknowledged(String cache) {
		each(cache, (m) -> m.unacknowledged.increment());
	}

	@Override
	public void onPoisoned(String cache) {
		each(cache, (m) -> m.poisoned.increment());
	}

	private void each(String cache, java.util.function.Consumer<CacheMeters> action) {
		for (int i = 0; i < this.meters.size(); i++) {
			MeterRegistry registry = this.registries.get(i);
			action.accept(this.meters.get(i).computeIfAbsent(cache, (name) -> new CacheMeters(registry, name)));
		}
	}

	private static final class CacheMeters {

		final Counter[][] gets = new Counter[2][2];

		final Counter found;

		final Counter empty;

		final Counter failed;

		final Timer load;

		final Counter errors;

		/** By scope (one, all) and outcome. */
		final Counter[][] evictions = new Counter[2][Eviction.values().length];

		final Counter unacknowledged;

		final Counter poisoned;

		CacheMeters(MeterRegistry registry, String cache) {
			String[] levels = { "l1", "l2" };
			String[] results = { "hit", "miss" };
			for (int l = 0; l < 2; l++) {
				for (int r = 0; r < 2; r++) {
					this.gets[l][r] = Counter.builder(GETS)
						.tags("cache", cache, "level", levels[l], "result", results[r])
						.description("Lookups by level (l1: this instance, l2: Redis) and result")
						.register(registry);
				}
			}
			this.found = loads(registry, cache, "found");
			this.empty = loads(registry, cache, "empty");
			this.failed = loads(registry, cache, "failed");
			this.load = Timer.builder(LOAD).tag("cache", cache).description("Time the loader took").register(registry);
			this.errors = Counter.builder(ERRORS)
				.tag("cache", cache)
				.description("Redis calls of the cache that failed")
				.register(registry);
			String[] scopes = { "one", "all" };
			for (int scope = 0; scope < 2; scope++) {
				for (Eviction outcome : Eviction.values()) {
					this.evictions[scope][outcome.ordinal()] = Counter.builder(EVICTIONS)
						.tags("cache", cache, "scope", scopes[scope], "outcome",
								outcome.name().toLowerCase(java.util.Locale.ROOT))
						.description("Evictions, of one id or of all, by what they achieved when they returned"
								+ " (everywhere, published, pending)")
						.register(registry);
				}
			}
			this.unacknowledged = Counter.builder(UNACKNOWLEDGED)
				.tag("cache", cache)
				.description(
						"Evictions that waited out the subscription lease for an instance that did not acknowledge")
				.register(registry);
			this.poisoned = Counter.builder(POISONED)
				.tag("cache", cache)
				.description("Values in Redis that no longer decoded: deleted and loaded afresh")
				.register(registry);
		}

		private static Counter loads(MeterRegistry registry, String cache, String result) {
			return Counter.builder(LOADS)
				.tags("cache", cache, "result", result)
				.description("Loader calls by result")
				.register(registry);
		}

	}

}
