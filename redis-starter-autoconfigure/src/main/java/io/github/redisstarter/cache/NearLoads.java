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
		CompletableFuture<Copy<V>> mine = new OwnedFuture<>();
		CompletableFuture<Copy<V>> running = this.copies.asMap().putIfAbsent(id, mine);
		if (running == null) {
			return lead(id, mine, load);
		}
		Copy<V> joined = (heldByThisThread(running)) ? null : await(id, running, wait);
		Optional<V> answer = (joined != null) ? joined.answer() : null;
		if (answer != null) {
			return answer;
		}
		// The load is stuck, was released without an answer, or is this thread's own
		// claim: loaded alone, kept in place of the stuck load unless an eviction removed
		// that meanwhile.
		Loaded<V> loaded = load.apply(id);
		if (loaded.keepFor() != null && joined == null && !heldByThisThread(running)) {
			this.copies.asMap().replace(id, running, CompletableFuture.completedFuture(loaded.copy()));
		}
		return loaded.value();
	}

	/**
	 * A look-up that loads nothing: the copy kept now, the answer of a load in progress
	 * (waited for up to {@code wait}), or what {@code probe} finds in the shared level.
	 * On a miss the caller may get a {@link Claim}: the right to {@link Claim#fill fill}
	 * the id with what it finds elsewhere, which callers that look the id up meanwhile
	 * wait for (single flight for callers that look up, compute and store in separate
	 * steps, as Spring's cache interceptor does).
	 * @param mayJoin as for {@link #load}; without it the claim keeps nothing
	 */
	Lookup<V> lookup(String id, boolean mayJoin, Duration wait, Function<String, Probe<V>> probe) {
		if (!mayJoin) {
			return probed(id, null, probe);
		}
		OwnedFuture<V> mine = new OwnedFuture<>();
		CompletableFuture<Copy<V>> running = this.copies.asMap().putIfAbsent(id, mine);
		if (running == null) {
			return probed(id, mine, probe);
		}
		Copy<V> joined = heldByThisThread(running) ? null : await(id, running, wait);
		Optional<V> answer = (joined != null) ? joined.answer() : null;
		// Otherwise (a nested look-up of what this thread computes, a load that did not
		// end in time or ended without an answer) the caller computes for itself: its
		// claim is its own, filled only if the entry is still what its own probe read.
		return (answer != null) ? new Lookup<>(answer, null) : probed(id, null, probe);
	}

	private Lookup<V> probed(String id, @Nullable OwnedFuture<V> mine, Function<String, Probe<V>> probe) {
		Probe<V> probed;
		try {
			probed = probe.apply(id);
		}
		catch (RuntimeException | Error ex) {
			if (mine != null) {
				mine.complete(new Copy<>(null, 0, ex));
			}
			throw ex;
		}
		if (probed.hit() != null) {
			if (mine != null) {
				mine.complete(probed.hit().copy());
			}
			return new Lookup<>(probed.hit().value(), null);
		}
		return new Lookup<>(null, new Claim<>(this, id, mine, probed.fill()));
	}

	/** What a load in progress left, or {@code null} when it did not end in time. */
	private @Nullable Copy<V> await(String id, CompletableFuture<Copy<V>> running, Duration wait) {
		try {
			return running.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return null;
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

	private static boolean heldByThisThread(CompletableFuture<?> future) {
		return future instanceof OwnedFuture<?> owned && owned.owner == Thread.currentThread();
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
	 * Keeps {@code loaded} as the copy of {@code id}, in place of any copy or load of it:
	 * the load's result is then kept nowhere.
	 */
	void put(String id, Loaded<V> loaded) {
		if (loaded.keepFor() != null) {
			this.copies.put(id, CompletableFuture.completedFuture(loaded.copy()));
		}
		else {
			invalidate(id);
		}
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
	 * What a read of the shared level found: a hit, kept as a near copy as it says, or on
	 * a miss how to keep what the caller finds elsewhere.
	 */
	record Probe<V>(@Nullable Loaded<V> hit, @Nullable Function<Optional<V>, Loaded<V>> fill) {

		static <V> Probe<V> hit(Loaded<V> hit) {
			return new Probe<>(hit, null);
		}

		static <V> Probe<V> miss(Function<Optional<V>, Loaded<V>> fill) {
			return new Probe<>(null, fill);
		}

	}

	/**
	 * A look-up's answer: a value (or a cached "none"), or none with perhaps a claim.
	 */
	record Lookup<V>(@Nullable Optional<V> value, @Nullable Claim<V> claim) {

		/** A miss whose claim keeps nothing it is filled with. */
		static <V> Lookup<V> missKeepingNothing(String id) {
			return new Lookup<>(null, new Claim<>(null, id, null, (value) -> new Loaded<>(value, null)));
		}

	}

	/**
	 * A load's or a claim's place in the near cache, with the thread that runs it: that
	 * thread never waits for it (a nested read of the same id computes again).
	 */
	private static final class OwnedFuture<V> extends CompletableFuture<Copy<V>> {

		final Thread owner = Thread.currentThread();

	}

	/**
	 * The right to fill an id a look-up missed: {@link #fill} keeps the value as its
	 * probe says (in Redis only if nothing changed the entry since the miss) and hands it
	 * to the callers waiting; {@link #release} ends their wait without an answer (the
	 * computation failed, or its result is not to be cached), and they compute for
	 * themselves. Exactly one of the two must follow.
	 */
	static final class Claim<V> {

		private final @Nullable NearLoads<V> near;

		private final String id;

		private final @Nullable OwnedFuture<V> future;

		private final Function<Optional<V>, Loaded<V>> fill;

		private Claim(@Nullable NearLoads<V> near, String id, @Nullable OwnedFuture<V> future,
				Function<Optional<V>, Loaded<V>> fill) {
			this.near = near;
			this.id = id;
			this.future = future;
			this.fill = fill;
		}

		String id() {
			return this.id;
		}

		void fill(Optional<V> value) {
			Loaded<V> loaded;
			try {
				loaded = this.fill.apply(value);
			}
			catch (RuntimeException | Error ex) {
				release();
				throw ex;
			}
			if (this.future != null) {
				this.future.complete(loaded.copy());
			}
		}

		void release() {
			if (this.near != null && this.future != null && this.future.complete(new Copy<>(null, 0, null))) {
				this.near.copies.asMap().remove(this.id, this.future);
			}
		}

	}

	/**
	 * What a load left: its answer, kept for {@code lifetimeNanos}, or the failure its
	 * waiting callers rethrow (then {@code value} is {@code null} and the copy expires at
	 * once).
	 */
	private record Copy<V>(@Nullable Optional<V> value, long lifetimeNanos, @Nullable Throwable failure) {

		/** The answer, or {@code null} for a claim released without one. */
		@Nullable Optional<V> answer() {
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
