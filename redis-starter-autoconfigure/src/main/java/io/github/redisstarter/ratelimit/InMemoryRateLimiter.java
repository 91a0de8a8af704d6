package io.github.redisstarter.ratelimit;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.redisstarter.connection.internal.RedisKeyEncoding;

/**
 * The in-memory twin: the same {@link Gcra} arithmetic as the Redis script, counted per
 * JVM.
 *
 * <p>
 * Each key's state is one immutable array behind an {@link AtomicReference}, updated by
 * compare-and-set: no lock on the hot path. Memory is bounded: a key untouched for its
 * limit's longest period is full again and is dropped, and each limit keeps at most
 * {@code maxKeysPerLimit} keys (beyond that the least useful are dropped, which can only
 * give those keys a fresh budget early).
 */
final class InMemoryRateLimiter extends AbstractRateLimiter {

	/** Microseconds on a scale of its own: only differences matter here. */
	private final LongSupplier micros;

	/** Per limit, by {@link CompiledLimit#index()}: each key's state. */
	private final Cache<String, AtomicReference<long[]>>[] states;

	/**
	 * @param clock where time comes from (a test's clock);
	 * {@link #InMemoryRateLimiter(RateLimits, long)} uses the JVM's monotonic clock,
	 * which is cheaper and never steps back
	 */
	InMemoryRateLimiter(RateLimits limits, InstantSource clock, long maxKeysPerLimit) {
		this(limits, () -> micros(clock.instant()), maxKeysPerLimit);
	}

	InMemoryRateLimiter(RateLimits limits, long maxKeysPerLimit) {
		this(limits, monotonicMicros(), maxKeysPerLimit);
	}

	/**
	 * Microseconds from the JVM's monotonic clock, kept well above zero (nanoTime itself
	 * may be negative).
	 */
	private static LongSupplier monotonicMicros() {
		long origin = System.nanoTime();
		return () -> (System.nanoTime() - origin) / 1000 + 1_000_000_000_000L;
	}

	private InMemoryRateLimiter(RateLimits limits, LongSupplier micros, long maxKeysPerLimit) {
		super(limits);
		if (maxKeysPerLimit <= 0) {
			throw new IllegalArgumentException("'maxKeysPerLimit' must be positive, got " + maxKeysPerLimit);
		}
		this.micros = micros;
		@SuppressWarnings("unchecked")
		Cache<String, AtomicReference<long[]>>[] states = new Cache[limits.all().size()];
		this.states = states;
		for (CompiledLimit limit : limits.compiledAll()) {
			// Maintenance runs on the caller's thread, amortised: handing it to a pool
			// costs a thread wake-up.
			this.states[limit.index()] = Caffeine.newBuilder()
				.expireAfterAccess(limit.limit().longestPeriod())
				.maximumSize(maxKeysPerLimit)
				.executor(Runnable::run)
				.build();
		}
	}

	InMemoryRateLimiter(RateLimits limits) {
		this(limits, RateLimiters.DEFAULT_MAX_KEYS_PER_LIMIT);
	}

	@Override
	Decision check(CompiledLimit limit, String rawKey, long cost, boolean consume) {
		String key = RedisKeyEncoding.compact(rawKey);
		List<GcraBand> bands = limit.bands();
		Cache<String, AtomicReference<long[]>> keys = this.states[limit.index()];
		AtomicReference<long[]> state = consume ? keys.get(key, (k) -> new AtomicReference<>())
				: keys.getIfPresent(key);
		long[] next = new long[2 * bands.size()];
		while (true) {
			long[] current = (state != null) ? state.get() : null;
			long[] reply = Gcra.evaluate(bands, current, this.micros.getAsLong(), cost, consume, next);
			if (reply[Gcra.ALLOWED] == 0 || !consume || state.compareAndSet(current, next)) {
				return Decision.of(limit, reply, Decision.Source.MEMORY);
			}
			// Another thread moved the state first: decide again on what it wrote.
		}
	}

	@Override
	CompletionStage<Decision> checkAsync(CompiledLimit limit, String key, long cost, boolean consume) {
		return CompletableFuture.completedFuture(check(limit, key, cost, consume));
	}

	@Override
	void reset(CompiledLimit limit, String key) {
		this.states[limit.index()].invalidate(RedisKeyEncoding.compact(key));
	}

	/** The keys the limit holds state for now, as kept: long keys as their digests. */
	java.util.Set<String> keptKeys(String limit) {
		return this.states[this.limits().compiled(limit).index()].asMap().keySet();
	}

	/**
	 * How many keys the limit holds state for now (an estimate that includes entries
	 * about to expire).
	 */
	long size(String limit) {
		Cache<String, AtomicReference<long[]>> keys = this.states[limits().compiled(limit).index()];
		keys.cleanUp();
		return keys.estimatedSize();
	}

	static long micros(Instant instant) {
		return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
	}

}
