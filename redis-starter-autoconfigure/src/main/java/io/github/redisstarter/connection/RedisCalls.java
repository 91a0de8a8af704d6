package io.github.redisstarter.connection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisException;

/** Waiting on an asynchronous Redis call from a caller's thread, bounded. */
public final class RedisCalls {

	private RedisCalls() {
	}

	/**
	 * Waits at most {@code deadline} for the call. A call that has not answered by then is abandoned, never sent
	 * again, and the caller gets a {@link RedisDeadlineMissedException}.
	 * @param what the call, for the message, such as {@code "rate-limit check of 'api'"}
	 */
	public static <T> T await(CompletableFuture<T> call, Duration deadline, String what) {
		try {
			return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			call.cancel(false);
			throw new RedisDeadlineMissedException(what + " got no answer within " + deadline.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			throw unwrap(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisException("interrupted while waiting for " + what, ex);
		}
	}

	/**
	 * {@link #await} for a caller that does not wait: the returned stage fails with a
	 * {@link RedisDeadlineMissedException} when the call has not answered within {@code deadline}, and the call is
	 * abandoned.
	 */
	public static <T> CompletableFuture<T> withDeadline(CompletableFuture<T> call, Duration deadline, String what) {
		return call.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS).exceptionallyCompose((failure) -> {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
					: failure;
			return CompletableFuture.failedFuture((cause instanceof TimeoutException)
					? new RedisDeadlineMissedException(what + " got no answer within " + deadline.toMillis() + " ms")
					: cause);
		});
	}

	/** The failure a stage completed with, without the wrapping of {@link CompletionException}. */
	public static RuntimeException unwrap(Throwable failure) {
		if (failure instanceof CompletionException && failure.getCause() != null) {
			failure = failure.getCause();
		}
		return (failure instanceof RuntimeException runtime) ? runtime : new RedisException(failure);
	}

}
