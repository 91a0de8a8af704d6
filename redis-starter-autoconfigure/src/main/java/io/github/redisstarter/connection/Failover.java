package io.github.redisstarter.connection;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one call of a capability on the side {@link BackendState} says: the Redis
 * implementation, or the in-memory twin. A Redis call that fails because Redis is away is
 * reported (which switches the backend) and answered by the twin, so the caller sees a
 * result, not an outage; so is a call that missed its deadline, though that switches only
 * when Redis is found hung. Any other failure reaches the caller unchanged, and so does
 * every failure when falling back is not allowed ({@code redis-starter.mode=redis}). The
 * only way a failed call reaches the backend state.
 */
public interface Failover {

	<T> T call(Supplier<T> onRedis, Supplier<T> inMemory);

	/**
	 * {@link #call} for a Redis call that completes later. A call that fails at once and
	 * a stage that completes with a failure are treated alike; the fallback runs on the
	 * thread that completed the stage.
	 */
	<T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> onRedis, Supplier<T> inMemory);

	default void run(Runnable onRedis, Runnable inMemory) {
		call(() -> {
			onRedis.run();
			return null;
		}, () -> {
			inMemory.run();
			return null;
		});
	}

	/**
	 * A write that the caller neither waits for nor needs (a broadcast, which reaches
	 * this instance's listeners whatever happens to it): sent only while Redis is in use,
	 * and dropped, as the twin would, when it fails because Redis is away, which the
	 * backend logs once for every such loss. Any other failure is the caller's to tell.
	 * @param otherFailure hears a failure that is not an outage, in a few words, secrets
	 * masked
	 */
	void bestEffort(Supplier<? extends CompletionStage<?>> write, Consumer<String> otherFailure);

	/** The state this failover follows. */
	BackendState state();

}
