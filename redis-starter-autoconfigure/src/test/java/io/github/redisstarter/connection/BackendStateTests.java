package io.github.redisstarter.connection;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

class BackendStateTests {

	private static final RedisEndpoint ENDPOINT = new RedisEndpoint("127.0.0.1:6390", false, null, 0);

	private final List<BackendSwitch> heard = new ArrayList<>();

	@Test
	void manyFailuresMakeOneSwitchAndOneNotification() {
		BackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
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
	void missedDeadlinesSwitchOnlyWhenSeveralInARowMissThem() {
		BackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		for (int round = 0; round < 3; round++) {
			// Each miss is answered without Redis, yet two misses, then a call in time, switch nothing.
			assertThat(state.reportFailure(missed())).isTrue();
			assertThat(state.reportFailure(missed())).isTrue();
			state.reportSuccess();
		}
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		state.reportFailure(missed());
		state.reportFailure(missed());
		state.reportFailure(missed());
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(this.heard).singleElement().satisfies((change) -> assertThat(change.reason()).startsWith("timed out"));
	}

	@Test
	void whenCallsAreFewTwoMissesInARowAWindowApartSwitch() throws InterruptedException {
		BackendState state = new BackendState(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS, "start",
				Secrets.none(), Clock.systemUTC(), Runnable::run, 3, Duration.ofMillis(50));
		state.reportFailure(missed());
		Thread.sleep(80);
		state.reportSuccess();
		state.reportFailure(missed());
		assertThat(state.mode()).as("a call in time between them: no run").isEqualTo(BackendMode.REDIS);
		Thread.sleep(80);
		state.reportFailure(missed());
		assertThat(state.mode()).as("two misses in a row, 80 ms apart").isEqualTo(BackendMode.MEMORY);
	}

	@Test
	void aLostWriteSwitchesOnItsFirstMissedDeadline() {
		BackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		assertThat(state.reportLostWrite(missed())).isTrue();
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(state.reportLostWrite(new IllegalStateException("WRONGTYPE"))).isFalse();
	}

	@Test
	void afterRefusedWritesOnlyAWriteProbeBringsRedisBack() {
		BackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		assertThat(state.needsWriteProbe()).isFalse();
		state.reportFailure(new io.lettuce.core.RedisCommandExecutionException(
				"OOM command not allowed when used memory > 'maxmemory'."));
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		assertThat(state.needsWriteProbe()).isTrue();
		state.recordPingSuccess(Duration.ofMillis(1));
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(state.reason()).startsWith("probe write answered");
		state.reportFailure(refused());
		assertThat(state.needsWriteProbe()).isFalse();
	}

	@Test
	void onceRedisHasAnsweredAResetConnectionIsNoSetUpMistake() {
		BackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS);
		state.recordPingSuccess(Duration.ofMillis(1));
		state.reportFailure(new RedisConnectionFailureException("x", new java.net.SocketException("Connection reset")));
		assertThat(state.reason()).isEqualTo("connection reset by the server (Connection reset)");
	}

	@Test
	void onlyAPongBringsRedisBack() {
		BackendState state = state(BackendSelection.AUTO, ENDPOINT, BackendMode.MEMORY);
		state.recordPingFailure(refused());
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
		state.recordPingSuccess(Duration.ofMillis(1));
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(this.heard).extracting(BackendSwitch::to).containsExactly(BackendMode.REDIS);
	}

	@Test
	void forcedRedisNeverFallsBack() {
		BackendState state = state(BackendSelection.REDIS, ENDPOINT, BackendMode.REDIS);
		assertThat(state.reportFailure(refused())).isTrue();
		state.recordPingFailure(refused());
		assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		assertThat(state.lastPing().succeeded()).isFalse();
		assertThat(this.heard).isEmpty();
	}

	@Test
	void withoutConfiguredRedisNothingSwitches() {
		BackendState state = state(BackendSelection.AUTO, null, BackendMode.MEMORY);
		assertThat(state.canFallBack()).isFalse();
		state.reportFailure(refused());
		assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
	}

	@Test
	void reasonsAreMasked() {
		BackendState state = new BackendState(BackendSelection.AUTO, ENDPOINT, BackendMode.REDIS, "start",
				Secrets.of(Set.of("pw-123")), Clock.systemUTC(), Runnable::run);
		state.reportFailure(new RedisConnectionFailureException("x", new ConnectException("timed out for pw-123")));
		assertThat(state.reason()).doesNotContain("pw-123").contains(Secrets.MASK);
	}

	private BackendState state(BackendSelection selection, RedisEndpoint endpoint, BackendMode initial) {
		BackendState state = new BackendState(selection, endpoint, initial, "start", Secrets.none(), Clock.systemUTC(),
				Runnable::run);
		state.addListener(this.heard::add);
		return state;
	}

	private static RuntimeException missed() {
		return new RedisDeadlineMissedException("rate-limit check of 'api' got no answer within 100 ms");
	}

	private static RuntimeException refused() {
		return new RedisConnectionFailureException("x", new ConnectException("Connection refused"));
	}

}
