package io.github.redisstarter.connection.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;

/**
 * Runs one call of a capability on the side {@link BackendState} says: the Redis
 * implementation, or the in-memory twin. A Redis call that fails because Redis is away is
 * reported (which switches the backend) and answered by the twin, so the caller sees a
 * result, not an outage; so is a call that missed its deadline, though that switches only
 * when Redis is found hung (see {@link DefaultBackendState#reportFailure}). Any other
 * failure reaches the caller unchanged, and so does every failure when falling back is
 * not allowed ({@code redis-starter.mode=redis}). What Redis answers is measured where
 * the call waits for it ({@link RedisCalls}), not here.
 */
public final class DefaultFailover implements Failover {

	private final DefaultBackendState state;

	/**
	 * @param state the starter's own state: the only one that switches
	 */
	public DefaultFailover(BackendState state) {
		this.state = DefaultBackendState.of(state);
	}

	@Override
	public <T> T call(Supplier<T> onRedis, Supplier<T> inMemory) {
		if (!this.state.usesRedis()) {
			return inMemory.get();
		}
		try {
			return onRedis.get();
		}
		catch (RuntimeException ex) {
			if (this.state.reportFailure(ex) && this.state.canFallBack()) {
				return inMemory.get();
			}
			throw ex;
		}
	}

	/**
	 * {@link #call} for a Redis call that completes later. A call that fails at once and
	 * a stage that completes with a failure are treated alike; the fallback runs on the
	 * thread that completed the stage.
	 */
	@Override
	public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> onRedis, Supplier<T> inMemory) {
		if (!this.state.usesRedis()) {
			return supplyNow(inMemory);
		}
		CompletionStage<T> stage;
		try {
			stage = onRedis.get();
		}
		catch (RuntimeException ex) {
			stage = CompletableFuture.failedFuture(ex);
		}
		return stage.handle((value, failure) -> {
			if (failure == null) {
				return CompletableFuture.completedFuture(value);
			}
			Throwable cause = RedisCalls.cause(failure);
			if (this.state.reportFailure(cause) && this.state.canFallBack()) {
				return supplyNow(inMemory);
			}
			return CompletableFuture.<T>failedFuture(cause);
		}).thenCompose(Function.identity());
	}

	private static <T> CompletableFuture<T> supplyNow(Supplier<T> supplier) {
		try {
			return CompletableFuture.completedFuture(supplier.get());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * A write that the caller neither waits for nor needs (a broadcast, which reaches
	 * this instance's listeners whatever happens to it): sent only while Redis is in use,
	 * and dropped, as the twin would, when it fails because Redis is away, which the
	 * backend logs once for every such loss. Any other failure is the caller's to tell.
	 * @param otherFailure hears a failure that is not an outage, in a few words, secrets
	 * masked
	 */
	@Override
	public void bestEffort(Supplier<? extends CompletionStage<?>> write, Consumer<String> otherFailure) {
		if (!this.state.usesRedis()) {
			return;
		}
		try {
			write.get().whenComplete((value, failure) -> {
				if (failure != null) {
					lost(RedisCalls.cause(failure), otherFailure);
				}
			});
		}
		catch (RuntimeException ex) {
			lost(ex, otherFailure);
		}
	}

	private void lost(Throwable failure, Consumer<String> otherFailure) {
		if (!this.state.reportFailure(failure)) {
			otherFailure.accept(this.state.describe(failure));
		}
	}

	@Override
	public BackendState state() {
		return this.state;
	}

}
