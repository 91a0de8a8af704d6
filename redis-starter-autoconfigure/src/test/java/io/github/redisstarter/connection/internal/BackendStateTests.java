package io.github.redisstarter.connection.internal;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.RedisDeadlineMissedException;

/**
 * The switch decisions, on a clock the test moves: which evidence switches to the twins
 * and which does not, and what it takes to come back. Times are in milliseconds from an
 * arbitrary start.
 */
class BackendStateTests {

	private static final RedisEndpoint ENDPOINT = new RedisEndpoint("127.0.0.1:6390", false, null, 0);

	private final List<BackendSwitch> heard = new ArrayList<>();

	private final AtomicLong nanos = new AtomicLong();

	private final LocalStalls stalls = LocalStalls.recorded();

	@Test
	void manyFailuresMakeOneSwitchAndOneNotification() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		for (int i = 0; i < 50; i++) {
			assertThat(state.reportFailure(refused())).isTrue();
		}
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(this.heard).singleElement().satisfies(change -> {
			assertThat(change.from()).isEqualTo(BackendMode.REDIS);
			assertThat(change.reason()).isEqualTo("connection refused");
		});
	}

	@Test
	void callsInFlightTogetherAreOnePieceOfEvidence() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		// Ten requests stuck behind one slow reply: each misses its 100 ms deadline, and
		// each is answered by its twin.
		for (int i = 0; i < 10; i++) {
			assertThat(missAt(state, i, 100 + i)).isTrue();
		}
		assertThat(state.mode()).as("109 ms of silence is one silence, not ten misses").isEqualTo(BackendMode.REDIS);
		answerAt(state, 5, 150);
		for (int i = 0; i < 10; i++) {
			missAt(state, 160 + i, 260 + i);
		}
		assertThat(state.mode()).as("an answer in between ended the first silence").isEqualTo(BackendMode.REDIS);
	}

	@Test
	void redisSilentForTwoDeadlinesWhileCallsWaitIsHung() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		missAt(state, 0, 100);
		missAt(state, 100, 199);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		missAt(state, 110, 210);
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(this.heard).singleElement()
			.satisfies((change) -> assertThat(change.reason())
				.startsWith("timed out (no answer for 210 ms while calls waited"));
	}

	@Test
	void aSlowButSteadyRedisIsUsedNotLeft() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		SlowRedis redis = new SlowRedis(state, 150);
		for (long sent = 0; sent < 10_000; sent += 20) {
			redis.call(sent);
		}
		redis.runUntil(10_500);
		assertThat(this.heard).as("switches").isEmpty();
		assertThat(state.callDeadline()).as("the deadline has followed Redis").isGreaterThan(Duration.ofMillis(150));
		assertThat(redis.missesAfter(2_000)).as("calls that missed once the deadline had learnt").isZero();
	}

	@Test
	void aStallOfOurOwnIsNoEvidenceAgainstRedis() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		// This JVM stopped from 10 to 410 ms: the call sent at 0 waited in vain, but
		// Redis was never asked to answer in
		// the time we were running.
		this.stalls.record(millis(10), millis(410));
		missAt(state, 0, 420);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);

		DefaultBackendState unaware = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS, LocalStalls.recorded());
		missAt(unaware, 0, 420);
		assertThat(unaware.mode()).as("without the stall noted, the same silence is a hung Redis")
			.isEqualTo(BackendMode.MEMORY);
	}

	@Test
	void answersThatWaitedOutAStallOfOurOwnDoNotMakeRedisLookSlow() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		// A 2 s GC pause: twenty calls sent just before it get their answers just after
		// it.
		this.stalls.record(millis(5), millis(2005));
		for (int i = 0; i < 20; i++) {
			this.nanos.set(millis(2010 + i));
			state.detector().answeredLate(millis(i / 4), millis(2010 + i));
		}
		assertThat(state.typicalLatency()).isLessThan(Duration.ofMillis(50));
		assertThat(state.callDeadline()).isEqualTo(Duration.ofMillis(100));
		missAt(state, 2030, 2130);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
	}

	@Test
	void answersSlowerOnAverageThanTheLongestDeadlineAreAHungRedis() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		for (int i = 0; i < 40; i++) {
			long sent = i * 10;
			this.nanos.set(millis(sent + 600));
			state.detector().answeredLate(millis(sent), millis(sent + 600));
		}
		assertThat(state.callDeadline()).isEqualTo(Duration.ofMillis(500));
		missAt(state, 400, 900);
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(state.reason()).contains("on average, more than redis-starter.max-call-deadline (500 ms)");
	}

	@Test
	void theWayBackNeedsEveryProbeToSucceedForAWhile() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.MEMORY);
		probeAt(state, 0, true);
		probeAt(state, 100, true);
		probeAt(state, 150, false);
		probeAt(state, 250, true);
		probeAt(state, 350, true);
		assertThat(state.mode()).as("healthy for 100 ms since the failure").isEqualTo(BackendMode.MEMORY);
		probeAt(state, 450, true);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(state.reason()).isEqualTo("PING answered in 1.00 ms, every probe for 0.2 s");
	}

	@Test
	void aProbeAnsweredSlowerThanTheLongestDeadlineDoesNotCount() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.MEMORY);
		for (long at = 0; at <= 1000; at += 100) {
			this.nanos.set(millis(at));
			state.recordPingSuccess(Duration.ofMillis(600));
		}
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
	}

	@Test
	void eachTripSoonAfterAReturnDoublesTheWaitUntilRedisStaysInUse() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		long at = 0;
		List<Long> waits = new ArrayList<>();
		for (int trip = 0; trip < 5; trip++) {
			this.nanos.set(millis(at));
			state.reportFailure(refused());
			long healthySince = at + 10;
			at = healthySince;
			while (state.mode() == BackendMode.MEMORY) {
				probeAt(state, at, true);
				at += 10;
			}
			waits.add(at - 10 - healthySince);
			at += 1_000;
		}
		assertThat(waits).containsExactly(200L, 400L, 800L, 1600L, 3200L);
		// In use for ten times the last wait (32 s) without a trip: the next outage is a
		// new one.
		at += 32_000;
		this.nanos.set(millis(at));
		state.reportFailure(refused());
		probeAt(state, at + 10, true);
		probeAt(state, at + 210, true);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
	}

	@Test
	void afterRefusedWritesOnlyAWriteProbeBringsRedisBack() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		assertThat(state.needsWriteProbe()).isFalse();
		state.reportFailure(
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."));
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(state.needsWriteProbe()).isTrue();
		probeAt(state, 0, true);
		probeAt(state, 200, true);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(state.reason()).startsWith("probe write answered");
		state.reportFailure(refused());
		assertThat(state.needsWriteProbe()).isFalse();
	}

	@Test
	void aPingSentBeforeWritesWereRefusedDoesNotCountTowardsTheWayBack() {
		DefaultBackendState state = new DefaultBackendState(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS, "start",
				Secrets.none(), Clock.systemUTC(), Runnable::run,
				new FailureDetector(Duration.ofMillis(100), Duration.ofMillis(500), this.stalls),
				new Recovery(Duration.ZERO, Duration.ofSeconds(30)), this.nanos::get);
		long switchesWhenSent = state.switchCount();
		// The monitor's PING is on its way when a write is refused.
		state.reportFailure(
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."));
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		state.recordPingSuccess(Duration.ofMillis(1), null, switchesWhenSent);
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		// A probe sent after the switch (the write probe) does count.
		state.recordPingSuccess(Duration.ofMillis(1), null, state.switchCount());
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
	}

	@Test
	void listenersHearSwitchesInTheOrderTheyHappenedWhateverTheExecutor() throws Exception {
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
		try {
			DefaultBackendState state = new DefaultBackendState(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS,
					"start", Secrets.none(), Clock.systemUTC(), pool,
					new FailureDetector(Duration.ofMillis(100), Duration.ofMillis(500), this.stalls),
					new Recovery(Duration.ZERO, Duration.ofSeconds(30)), this.nanos::get);
			List<BackendMode> heard = java.util.Collections.synchronizedList(new ArrayList<>());
			state.addListener((change) -> {
				// A listener that takes a moment lets later switches overtake it on a
				// pool of threads.
				if (change.to() == BackendMode.MEMORY) {
					java.util.concurrent.locks.LockSupport.parkNanos(200_000);
				}
				heard.add(change.to());
			});
			for (int i = 0; i < 200; i++) {
				state.reportFailure(refused());
				state.recordPingSuccess(Duration.ofMillis(1));
			}
			pool.shutdown();
			assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			assertThat(heard).hasSize(400);
			for (int i = 0; i < heard.size(); i++) {
				assertThat(heard.get(i)).as("switch %d", i)
					.isEqualTo((i % 2 == 0) ? BackendMode.MEMORY : BackendMode.REDIS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void afterOutOfMemoryARedisWithoutRoomIsTakenBackOnlyAfterTheLongestWait() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		state.reportFailure(
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."));
		assertThat(state.probe()).isEqualTo(DefaultBackendState.Probe.WRITE_WITH_ROOM);
		String shortage = "OOM (checked by the starter): used_memory 950 of maxmemory 1000 with noeviction";
		for (long at = 0; at < 30_000; at += 100) {
			this.nanos.set(millis(at));
			state.recordPingSuccess(Duration.ofMillis(1), shortage);
			assertThat(state.mode()).as("at %d ms", at).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(state.lastPing().failure()).isEqualTo(shortage);
		// Writes have succeeded for the longest wait (30 s): a Redis that runs nearly
		// full is taken back all the same.
		this.nanos.set(millis(30_000));
		state.recordPingSuccess(Duration.ofMillis(1), shortage);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(state.reason()).contains("every probe for 30.0 s, though with less than 10% of maxmemory free");
	}

	@Test
	void afterReadonlyTheProbeIsAWriteWithoutALookAtMemory() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		state
			.reportFailure(new RedisCommandExecutionException("READONLY You can't write against a read only replica."));
		assertThat(state.probe()).isEqualTo(DefaultBackendState.Probe.WRITE);
	}

	@Test
	void onceRedisHasAnsweredAResetConnectionIsNoSetUpMistake() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		state.recordPingSuccess(Duration.ofMillis(1));
		state.reportFailure(new RedisConnectionFailureException("x", new java.net.SocketException("Connection reset")));
		assertThat(state.reason()).isEqualTo("connection reset by the server (Connection reset)");
	}

	@Test
	void onlyProbesBringRedisBack() {
		DefaultBackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.MEMORY);
		state.recordPingFailure(refused());
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		probeAt(state, 0, true);
		probeAt(state, 200, true);
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(this.heard).extracting(BackendSwitch::to).containsExactly(BackendMode.REDIS);
	}

	@Test
	void forcedRedisNeverFallsBack() {
		DefaultBackendState state = state(BackendSelection.REDIS, ENDPOINT, BackendMode.REDIS);
		assertThat(state.reportFailure(refused())).isTrue();
		missAt(state, 0, 1000);
		state.recordPingFailure(refused());
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(state.lastPing().succeeded()).isFalse();
		assertThat(this.heard).isEmpty();
	}

	@Test
	void withoutConfiguredRedisNothingSwitches() {
		DefaultBackendState state = state(BackendSelection.AUTO, null, BackendMode.MEMORY);
		assertThat(state.canFallBack()).isFalse();
		state.reportFailure(refused());
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
	}

	@Test
	void reasonsAreMasked() {
		DefaultBackendState state = new DefaultBackendState(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS, "start",
				Secrets.of(Set.of("pw-123")), Clock.systemUTC(), Runnable::run);
		state.reportFailure(new RedisConnectionFailureException("x", new ConnectException("timed out for pw-123")));
		assertThat(state.reason()).doesNotContain("pw-123").contains(Secrets.MASK);
	}

	private DefaultBackendState state(BackendSelection selection, RedisEndpoint endpoint, BackendMode initial) {
		return state(selection, endpoint, initial, this.stalls);
	}

	private DefaultBackendState state(BackendSelection selection, RedisEndpoint endpoint, BackendMode initial,
			LocalStalls stalls) {
		DefaultBackendState state = new DefaultBackendState(selection, endpoint, initial, "start", Secrets.none(),
				Clock.systemUTC(), Runnable::run,
				new FailureDetector(Duration.ofMillis(100), Duration.ofMillis(500), stalls),
				new Recovery(Duration.ofMillis(200), Duration.ofSeconds(30)), this.nanos::get);
		state.addListener(this.heard::add);
		return state;
	}

	/**
	 * A call sent at {@code sent} ms is still unanswered at {@code now} ms, and reported
	 * as RedisCalls does.
	 */
	private boolean missAt(DefaultBackendState state, long sent, long now) {
		this.nanos.set(millis(now));
		state.detector().unanswered(millis(sent));
		return state.reportFailure(missed());
	}

	private void answerAt(DefaultBackendState state, long sent, long now) {
		this.nanos.set(millis(now));
		state.detector().answered(millis(sent), millis(now));
	}

	private void probeAt(DefaultBackendState state, long now, boolean succeeded) {
		this.nanos.set(millis(now));
		if (succeeded) {
			state.recordPingSuccess(Duration.ofMillis(1));
		}
		else {
			state.recordPingFailure(refused());
		}
	}

	private static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

	private static RuntimeException missed() {
		return new RedisDeadlineMissedException("rate-limit check of 'api' got no answer within 100 ms");
	}

	private static RuntimeException refused() {
		return new RedisConnectionFailureException("x", new ConnectException("Connection refused"));
	}

	/**
	 * A Redis that answers every call after {@code latency} ms, in order, and callers
	 * that wait each call's deadline as {@link RedisCalls} does, played in time order.
	 */
	private final class SlowRedis {

		private final DefaultBackendState state;

		private final long latency;

		private final java.util.PriorityQueue<long[]> events = new java.util.PriorityQueue<>(
				java.util.Comparator.comparingLong((long[] event) -> event[0]));

		private final List<Long> missedCallsSent = new ArrayList<>();

		SlowRedis(DefaultBackendState state, long latency) {
			this.state = state;
			this.latency = latency;
		}

		/**
		 * A call sent at {@code sent}: its deadline is fixed when it is sent, as
		 * RedisCalls fixes it.
		 */
		void call(long sent) {
			this.events.add(new long[] { sent, sent, 0 });
		}

		void runUntil(long end) {
			while (!this.events.isEmpty() && this.events.peek()[0] <= end) {
				long[] event = this.events.poll();
				long at = event[0];
				long sent = event[1];
				switch ((int) event[2]) {
					case 0 -> {
						long deadline = this.state.callDeadline().toMillis();
						boolean misses = deadline < this.latency;
						this.events.add(new long[] { sent + this.latency, sent, misses ? 3 : 1 });
						if (misses) {
							this.events.add(new long[] { sent + deadline, sent, 2 });
						}
					}
					case 1 -> answerAt(this.state, sent, at);
					case 2 -> {
						this.missedCallsSent.add(sent);
						missAt(this.state, sent, at);
					}
					case 3 -> {
						BackendStateTests.this.nanos.set(millis(at));
						this.state.detector().answeredLate(millis(sent), millis(at));
					}
					default -> throw new IllegalStateException();
				}
			}
		}

		long missesAfter(long sent) {
			return this.missedCallsSent.stream().filter((s) -> s >= sent).count();
		}

	}

}
