package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.redisstarter.connection.CallerText;

/**
 * Single-flight loads: the first caller of a cold id loads it, and the callers that arrive meanwhile wait for that
 * load instead of starting their own. A wait is bounded: a caller still waiting after the load timeout loads for
 * itself rather than hang behind a stuck load. A load that an eviction overtakes is marked, so that what it found
 * is handed to its callers but not kept.
 */
final class Flights<V> {

	private final ConcurrentHashMap<String, Flight<V>> inFlight = new ConcurrentHashMap<>();

	Optional<V> join(String id, Duration wait, Function<Flight<V>, Optional<V>> load) {
		Flight<V> mine = new Flight<>();
		Flight<V> leader = this.inFlight.putIfAbsent(id, mine);
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
				this.inFlight.remove(id, mine);
			}
		}
		try {
			return leader.result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return load.apply(new Flight<>());
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

	/** Marks the load of {@code id} in progress, if any, as overtaken by an eviction. */
	void invalidate(String id) {
		Flight<V> flight = this.inFlight.get(id);
		if (flight != null) {
			flight.overtaken = true;
		}
	}

	void invalidateAll() {
		this.inFlight.values().forEach((flight) -> flight.overtaken = true);
	}

	/** One load in progress. */
	static final class Flight<V> {

		private final CompletableFuture<Optional<V>> result = new CompletableFuture<>();

		private volatile boolean overtaken;

		/** Whether an eviction came while this load ran: its result must not be kept. */
		boolean overtaken() {
			return this.overtaken;
		}

	}

}
