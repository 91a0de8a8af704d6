package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import io.github.redisstarter.connection.internal.CallerText;
import org.jspecify.annotations.Nullable;

/**
 * An instance's own copies (L1) and the loads that make them, in one Caffeine
 * {@link AsyncCache}: a load is a future in the cache while it runs, so callers of a cold
 * id that arrive meanwhile wait for it instead of loading (single flight), and it becomes
 * the copy when it ends, kept for a lifetime the load chooses.
 *
 * <p>
 * Caffeine gives the two rules that keep a copy from outliving an eviction that raced
 * with its load: an eviction removes the load's future, so that nobody joins the load
 * afterwards and its result, handed to the callers already waiting, is kept nowhere; and
 * a clear removes every future, so that no load that began before it keeps anything. A
 * wait is bounded: a caller still waiting after the load timeout loads for itself rather
 * than hang behind a stuck load, and its result replaces the stuck load unless an
 * eviction came meanwhile.
 */
final class NearLoads<V> {

	private final AsyncCache<String, Copy<V>> copies;

	/**
	 * @param stats counts the lookups of {@link #get}
	 */
	NearLoads(long maxSize, StatsCounter stats) {
		// Maintenance runs on the caller's thread, amortised: handing it to a pool costs
		// a thread wake-up.
		this.copies = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maxSize)
			.recordStats(() -> stats)
			.expireAfter(new Expiry<String, Copy<V>>() {

				@Override
				public long expireAfterCreate(String id, Copy<V> copy, long currentTime) {
					return copy.lifetimeNanos;
				}

				@Override
				public long expireAfterUpdate(String id, Copy<V> copy, long currentTime, long currentDuration) {
					return copy.lifetimeNanos;
				}

				@Override
				public long expireAfterRead(String id, Copy<V> copy, long currentTime, long currentDuration) {
					return currentDuration;
				}

			})
			.buildAsync();
	}

	/**
	 * The copy of {@code id} kept now, or {@code null}: none, or its load has not ended.
	 */
	@Nullable Optional<V> get(String id) {
		CompletableFuture<Copy<V>> copy = this.copies.getIfPresent(id);
		return (copy != null && copy.isDone()) ? copy.join().value : null;
	}

	/**
	 * The answer for {@code id}: the load in progress, waited for up to {@code wait}, or
	 * a load of the caller's own.
	 * @param mayJoin whether the caller may take another caller's load and keep its own:
	 * not while evictions might not reach this instance, since nothing would remove a
	 * load they overtook
	 * @param load the load; it says whether its answer may be kept, and for how long
	 */
	Optional<V> load(String id, boolean mayJoin, Duration wait, Function<String, Loaded<V>> load) {
		if (!mayJoin) {
			return load.apply(id).value();
		}
		CompletableFuture<Copy<V>> mine = new CompletableFuture<>();
		CompletableFuture<Copy<V>> running = this.copies.asMap().putIfAbsent(id, mine);
		if (running == null) {
			return lead(id, mine, load);
		}
		try {
			return running.get(wait.toNanos(), TimeUnit.NANOSECONDS).answer();
		}
		catch (TimeoutException ex) {
			// Loaded alone; kept in place of the stuck load, unless an eviction removed
			// that meanwhile.
			Loaded<V> loaded = load.apply(id);
			if (loaded.keepFor() != null) {
				this.copies.asMap().replace(id, running, CompletableFuture.completedFuture(loaded.copy()));
			}
			return loaded.value();
		}
		catch (ExecutionException ex) {
			// Never: a load's future completes normally, with its failure inside (see
			// lead).
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the load of " + CallerText.quote(id), ex);
		}
	}

	/**
	 * Runs the load the callers of {@code id} share. A failure completes the future
	 * normally, as a copy that expires at once and carries the failure to the callers
	 * waiting: a future completed exceptionally would have Caffeine log the failure, with
	 * its stack trace, for every failed load.
	 */
	private Optional<V> lead(String id, CompletableFuture<Copy<V>> mine, Function<String, Loaded<V>> load) {
		Loaded<V> loaded;
		try {
			loaded = load.apply(id);
		}
		catch (RuntimeException | Error ex) {
			mine.complete(new Copy<>(null, 0, ex));
			throw ex;
		}
		mine.complete(loaded.copy());
		return loaded.value();
	}

	/**
	 * Drops the copy of {@code id}, and any load of it in progress: its result is kept
	 * nowhere.
	 */
	void invalidate(String id) {
		this.copies.synchronous().invalidate(id);
	}

	/** Drops every copy, and every load in progress. */
	void clear() {
		this.copies.synchronous().invalidateAll();
	}

	/**
	 * How many copies are kept (an estimate that counts loads in progress and copies
	 * about to expire).
	 */
	long size() {
		this.copies.synchronous().cleanUp();
		return this.copies.synchronous().estimatedSize();
	}

	/**
	 * What a load found.
	 *
	 * @param value the answer for its callers
	 * @param keepFor how long it may be kept as a near copy, or {@code null} when it may
	 * not be kept
	 */
	record Loaded<V>(Optional<V> value, @Nullable Duration keepFor) {

		/** The copy to keep: one that expires at once when it may not be kept. */
		Copy<V> copy() {
			return new Copy<>(this.value, (this.keepFor != null) ? this.keepFor.toNanos() : 0, null);
		}

	}

	/**
	 * What a load left: its answer, kept for {@code lifetimeNanos}, or the failure its
	 * waiting callers rethrow (then {@code value} is {@code null} and the copy expires at
	 * once).
	 */
	private record Copy<V>(@Nullable Optional<V> value, long lifetimeNanos, @Nullable Throwable failure) {

		Optional<V> answer() {
			if (this.failure instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (this.failure instanceof Error error) {
				throw error;
			}
			return this.value;
		}

	}

}
