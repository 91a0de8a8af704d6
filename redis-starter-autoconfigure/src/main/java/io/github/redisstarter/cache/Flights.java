package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.redisstarter.connection.internal.CallerText;

/**
 * Single-flight loads: the first caller of a cold id loads it, and the callers that
 * arrive meanwhile wait for that load instead of starting their own. A wait is bounded: a
 * caller still waiting after the load timeout loads for itself rather than hang behind a
 * stuck load. Every load, a straggler's too, is registered while it runs, so that an
 * eviction marks it: what it found is handed to the callers that were waiting already,
 * but not kept, and nobody joins it afterwards.
 */
final class Flights<V> {

	private final ConcurrentHashMap<String, Flight<V>> leaders = new ConcurrentHashMap<>();

	/**
	 * Loads of callers that load alone (they stopped waiting, or may not join): rare, and
	 * marked like leaders.
	 */
	private final Set<Flight<V>> stragglers = ConcurrentHashMap.newKeySet();

	/**
	 * @param generation the near cache's generation when the caller began, which the
	 * flight carries; a load of an older generation (begun before a clear) is not joined
	 * @param mayJoin whether the caller may take another caller's result: not while
	 * evictions might not reach this instance, since nothing would mark a load they
	 * overtook
	 */
	Optional<V> join(String id, long generation, boolean mayJoin, Duration wait,
			Function<Flight<V>, Optional<V>> load) {
		Flight<V> mine = new Flight<>(id, generation);
		if (!mayJoin) {
			return alone(mine, load);
		}
		Flight<V> leader = this.leaders.putIfAbsent(id, mine);
		if (leader != null && leader.generation != generation) {
			return alone(mine, load);
		}
		if (leader == null) {
			try {
				Optional<V> value = load.apply(mine);
				mine.result.complete(value);
				return value;
			}
			catch (RuntimeException | Error ex) {
				mine.result.completeExceptionally(ex);
				throw ex;
			}
			finally {
				this.leaders.remove(id, mine);
			}
		}
		try {
			return leader.result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return alone(mine, load);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the load of " + CallerText.quote(id), ex);
		}
	}

	/**
	 * A load of the caller's own, registered so that an eviction marks it all the same.
	 */
	private Optional<V> alone(Flight<V> mine, Function<Flight<V>, Optional<V>> load) {
		this.stragglers.add(mine);
		try {
			return load.apply(mine);
		}
		finally {
			this.stragglers.remove(mine);
		}
	}

	/**
	 * Marks every load of {@code id} in progress as overtaken by an eviction, and lets no
	 * later caller join one: a caller that arrives after the eviction starts a load of
	 * its own rather than take what an older load found.
	 */
	void invalidate(String id) {
		Flight<V> leader = this.leaders.get(id);
		if (leader != null) {
			leader.overtaken = true;
			this.leaders.remove(id, leader);
		}
		if (!this.stragglers.isEmpty()) {
			this.stragglers.forEach((flight) -> {
				if (flight.id.equals(id)) {
					flight.overtaken = true;
				}
			});
		}
	}

	/** One load in progress. */
	static final class Flight<V> {

		private final CompletableFuture<Optional<V>> result = new CompletableFuture<>();

		private final String id;

		private final long generation;

		private volatile boolean overtaken;

		Flight(String id, long generation) {
			this.id = id;
			this.generation = generation;
		}

		/** Whether an eviction came while this load ran: its result must not be kept. */
		boolean overtaken() {
			return this.overtaken;
		}

		/** The near cache's generation when the load began. */
		long generation() {
			return this.generation;
		}

	}

}
