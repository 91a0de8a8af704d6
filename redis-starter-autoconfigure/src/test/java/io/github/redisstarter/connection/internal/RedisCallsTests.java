package io.github.redisstarter.connection.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.RedisDeadlineMissedException;

/**
 * Waiting for Redis: the deadline, what the detector learns from answers and from
 * silence, and the extension a wait gets when this JVM itself was stalled during it.
 * Answers are futures the test completes; the deadlines are long enough for a busy
 * machine.
 */
class RedisCallsTests {

	private static final Duration DEADLINE = Duration.ofMillis(300);

	private final LocalStalls stalls = LocalStalls.recorded();

	private final DefaultBackendState state = new DefaultBackendState(BackendSelection.AUTO,
			new RedisEndpoint("127.0.0.1:6390", false, null, 0), BackendMode.REDIS, "start", Secrets.none(),
			Clock.systemUTC(), Runnable::run, new FailureDetector(DEADLINE, Duration.ofSeconds(2), this.stalls),
			new Recovery(Duration.ofMillis(200), Duration.ofSeconds(30)), System::nanoTime);

	private final RedisCalls calls = new RedisCalls(this.state);

	@Test
	void anAnswerInTimeIsReturnedAndTeachesTheDetector() {
		assertThat(this.calls.await(CompletableFuture.completedFuture("PONG"), "PING")).isEqualTo("PONG");
		assertThat(this.state.typicalLatency()).isNotNull();
	}

	@Test
	void aCallNotAnsweredInTimeIsAMissAndItsLateAnswerASample() {
		CompletableFuture<String> call = new CompletableFuture<>();
		assertThatExceptionOfType(RedisDeadlineMissedException.class).isThrownBy(() -> this.calls.await(call, "GET"))
			.withMessageStartingWith("GET got no answer within ");
		assertThat(this.state.detector().silenceNanos(System.nanoTime())).isPositive();
		call.complete("late");
		assertThat(this.state.detector().silenceNanos(System.nanoTime())).as("the late answer ended the silence")
			.isZero();
		assertThat(this.state.typicalLatency()).isGreaterThanOrEqualTo(DEADLINE);
	}

	@Test
	void aDeadlineCountsOnlyTheTimeThisJvmWasRunning() {
		CompletableFuture<String> call = new CompletableFuture<>();
		stallThenAnswer(call);
		assertThat(this.calls.await(call, "GET")).isEqualTo("answered after our stall");
	}

	/**
	 * A third of a deadline in, this JVM is noted as having stalled for two thirds of a
	 * deadline (as the ticker notes a GC pause); the answer comes one and a half
	 * deadlines in, within the deadline of running time.
	 */
	private void stallThenAnswer(CompletableFuture<String> call) {
		long start = System.nanoTime();
		CompletableFuture.runAsync(() -> this.stalls.record(start, start + DEADLINE.toNanos() * 2 / 3),
				CompletableFuture.delayedExecutor(DEADLINE.toMillis() / 3, TimeUnit.MILLISECONDS));
		CompletableFuture.runAsync(() -> call.complete("answered after our stall"),
				CompletableFuture.delayedExecutor(DEADLINE.toMillis() * 3 / 2, TimeUnit.MILLISECONDS));
	}

	@Test
	void withoutAStallTheSameWaitIsAMiss() {
		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture.runAsync(() -> call.complete("too late"),
				CompletableFuture.delayedExecutor(DEADLINE.toMillis() * 3 / 2, TimeUnit.MILLISECONDS));
		assertThatExceptionOfType(RedisDeadlineMissedException.class).isThrownBy(() -> this.calls.await(call, "GET"));
	}

	@Test
	void anAsynchronousCallGetsTheSameDeadlineAndTheSameExtension() throws Exception {
		CompletableFuture<String> missed = this.calls.withDeadline(new CompletableFuture<>(), "GET");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> missed.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(RedisDeadlineMissedException.class);

		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture<String> result = this.calls.withDeadline(call, "GET");
		stallThenAnswer(call);
		assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("answered after our stall");
	}

	@Test
	void anErrorReplyShowsRedisAliveAndReachesTheCaller() {
		CompletableFuture<String> call = new CompletableFuture<>();
		call.completeExceptionally(new RedisCommandExecutionException("ERR script error"));
		this.state.detector().unanswered(System.nanoTime() - 1);
		assertThatExceptionOfType(RedisCommandExecutionException.class)
			.isThrownBy(() -> this.calls.await(call, "EVALSHA"));
		assertThat(this.state.detector().silenceNanos(System.nanoTime())).isZero();
	}

	@Test
	void aWriteOthersRelyOnWaitsTheLongestDeadline() {
		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture.runAsync(() -> call.complete("evicted"),
				CompletableFuture.delayedExecutor(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS));
		assertThat(this.calls.awaitWrite(call, "eviction")).isEqualTo("evicted");
	}

}
