package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisException;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisDeadlineMissedException;

/**
 * Waits for Redis calls from a caller's thread, each bounded by the deadline of the
 * {@link BackendState} it answers to, and tells that state's detector what Redis did:
 * when an answer came (a latency sample, and the end of any silence), or that a call is
 * still waiting (silence). A call not answered in time is abandoned, never sent again,
 * and the caller gets a {@link RedisDeadlineMissedException}; its answer, if it still
 * comes, is a sample too. A deadline counts the time this JVM was running: a wait that it
 * spent partly stalled (a GC pause, a throttled CPU) is extended once by the stalled
 * time, up to the longest deadline, before it counts as a miss, since the answer may be
 * sitting in the socket, unread.
 */
public final class RedisCalls {

	/**
	 * Fires the deadlines of calls that nobody waits on; one daemon thread for the JVM.
	 */
	private static final ScheduledExecutorService DEADLINES = deadlineScheduler();

	private final FailureDetector detector;

	/**
	 * Calls that wait as long as {@code state}'s detector says, and tell it what Redis
	 * did.
	 */
	public RedisCalls(BackendState state) {
		this(DefaultBackendState.of(state).detector());
	}

	private RedisCalls(FailureDetector detector) {
		this.detector = detector;
	}

	/**
	 * Calls that always wait {@code deadline}, and tell no backend state what Redis did:
	 * for tools and tests that use a Redis side on its own.
	 */
	public static RedisCalls withFixedDeadline(Duration deadline) {
		return new RedisCalls(new FailureDetector(deadline, deadline, LocalStalls.recorded()));
	}

	/**
	 * Waits for the call until the deadline.
	 * @param what the call, for the message, such as {@code "rate-limit check of 'api'"}
	 */
	public <T> T await(CompletableFuture<T> call, String what) {
		return await(call, this.detector.deadlineNanos(), what);
	}

	/**
	 * Waits for a write that other instances rely on (an eviction) until the longest
	 * deadline ({@code redis-starter.max-call-deadline}): it is worth waiting for, and
	 * not answering within that is what a hung Redis does.
	 */
	public <T> T awaitWrite(CompletableFuture<T> call, String what) {
		return await(call, this.detector.capNanos(), what);
	}

	private <T> T await(CompletableFuture<T> call, long deadlineNanos, String what) {
		long sent = System.nanoTime();
		long wait = deadlineNanos;
		for (boolean extended = false;; extended = true) {
			try {
				T value = call.get(wait, TimeUnit.NANOSECONDS);
				this.detector.answered(sent, System.nanoTime());
				return value;
			}
			catch (TimeoutException ex) {
				wait = extended ? 0 : this.detector.stallExtensionNanos(sent, System.nanoTime());
				if (wait <= 0) {
					throw missed(call, sent, what);
				}
			}
			catch (ExecutionException ex) {
				throw failed(ex.getCause(), sent);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new RedisException("interrupted while waiting for " + what, ex);
			}
		}
	}

	/**
	 * {@link #await} for a caller that does not wait: the returned stage fails with a
	 * {@link RedisDeadlineMissedException} when the call has not answered within the
	 * deadline, and the call is abandoned.
	 */
	public <T> CompletableFuture<T> withDeadline(CompletableFuture<T> call, String what) {
		long sent = System.nanoTime();
		long deadline = this.detector.deadlineNanos();
		CompletableFuture<T> result = new CompletableFuture<>();
		ScheduledFuture<?> timer = DEADLINES.schedule(() -> expire(result, call, sent, what, false), deadline,
				TimeUnit.NANOSECONDS);
		call.whenComplete((value, failure) -> {
			timer.cancel(false);
			long now = System.nanoTime();
			// Past the deadline, the result is failed already and the answer is a late
			// one (see missed).
			boolean inTime = (failure == null) ? result.complete(value) : result.completeExceptionally(unwrap(failure));
			if (inTime && (failure == null || RedisFailures.isReply(failure))) {
				this.detector.answered(sent, now);
			}
		});
		return result;
	}

	private void expire(CompletableFuture<?> result, CompletableFuture<?> call, long sent, String what,
			boolean extended) {
		if (result.isDone()) {
			return;
		}
		long extension = extended ? 0 : this.detector.stallExtensionNanos(sent, System.nanoTime());
		if (extension > 0) {
			DEADLINES.schedule(() -> expire(result, call, sent, what, true), extension, TimeUnit.NANOSECONDS);
			return;
		}
		result.completeExceptionally(missed(call, sent, what));
	}

	/**
	 * The call is still waiting: silence from its start on, and its answer, if it comes,
	 * a sample of slowness.
	 */
	private RedisDeadlineMissedException missed(CompletableFuture<?> call, long sent, String what) {
		long waited = System.nanoTime() - sent;
		this.detector.unanswered(sent);
		call.whenComplete((value, failure) -> {
			if (failure == null || RedisFailures.isReply(failure)) {
				this.detector.answeredLate(sent, System.nanoTime());
			}
		});
		return new RedisDeadlineMissedException(what + " got no answer within " + FailureDetector.millis(waited));
	}

	/** An error reply still shows Redis alive; a broken connection does not. */
	private RuntimeException failed(Throwable failure, long sent) {
		RuntimeException cause = unwrap(failure);
		if (RedisFailures.isReply(cause)) {
			this.detector.answered(sent, System.nanoTime());
		}
		return cause;
	}

	/**
	 * The failure a stage completed with, without the wrapping of
	 * {@link CompletionException}: the one place that unwraps it.
	 */
	public static Throwable cause(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/** {@link #cause}, as an exception a waiting caller can throw. */
	static RuntimeException unwrap(Throwable failure) {
		Throwable cause = cause(failure);
		return (cause instanceof RuntimeException runtime) ? runtime : new RedisException(cause);
	}

	private static ScheduledExecutorService deadlineScheduler() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("deadlines"));
		scheduler.setRemoveOnCancelPolicy(true);
		return Executors.unconfigurableScheduledExecutorService(scheduler);
	}

}
