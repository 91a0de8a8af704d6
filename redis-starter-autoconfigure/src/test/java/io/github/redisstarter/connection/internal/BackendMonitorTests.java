package io.github.redisstarter.connection.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.RedisEndpoint;

/** The startup decision and the periodic check, against a Redis the test scripts. */
class BackendMonitorTests {

	private static final RedisEndpoint ENDPOINT = new RedisEndpoint("127.0.0.1:6390", false, null, 0);

	@Test
	void theStartupPingMeasuresRedisNotTheClientsColdStart() {
		// A client whose first connect takes 800 ms (class loading, Netty, a busy
		// machine), and a Redis that answers
		// its PING in 300 ms: together longer than the 1 s PING timeout, each well within
		// it.
		ColdClient ping = new ColdClient(800, 300);
		try (BackendMonitor monitor = BackendMonitor.startUp(settings(Duration.ofSeconds(1)), ENDPOINT, ping,
				Secrets.none(), Clock.systemUTC())) {
			assertThat(monitor.state().mode()).isEqualTo(BackendMode.REDIS);
			assertThat(monitor.state().lastPing().latency()).isBetween(Duration.ofMillis(300), Duration.ofMillis(750));
		}
	}

	@Test
	void aRedisMissedAtStartupIsTakenBackWithoutWaitingForTheAppToStart() {
		AtomicBoolean up = new AtomicBoolean();
		RedisPing ping = () -> {
			if (!up.get()) {
				throw new RedisConnectionFailureException("Connection refused");
			}
		};
		try (BackendMonitor monitor = BackendMonitor.startUp(settings(Duration.ofSeconds(1)), ENDPOINT, ping,
				Secrets.none(), Clock.systemUTC())) {
			assertThat(monitor.state().mode()).isEqualTo(BackendMode.MEMORY);
			up.set(true);
			// Nobody calls start(): the context that would is still starting the rest of
			// the app.
			await().atMost(Duration.ofSeconds(5)).until(() -> monitor.state().mode() == BackendMode.REDIS);
		}
	}

	@Test
	void aPingThatNeverAnswersLeavesRedisWithinAFewDeadlinesEvenWithoutCalls() {
		HangingRedis ping = new HangingRedis();
		try (BackendMonitor monitor = BackendMonitor.startUp(settings(Duration.ofSeconds(5)), ENDPOINT, ping,
				Secrets.none(), Clock.systemUTC())) {
			assertThat(monitor.state().mode()).isEqualTo(BackendMode.REDIS);
			ping.hung.set(true);
			long start = System.nanoTime();
			await().atMost(Duration.ofSeconds(4)).until(() -> monitor.state().mode() == BackendMode.MEMORY);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("long before the 5 s PING timeout")
				.isLessThan(Duration.ofSeconds(3));
			assertThat(monitor.state().reason()).startsWith("timed out (no answer for ");
			ping.hung.set(false);
			await().atMost(Duration.ofSeconds(5)).until(() -> monitor.state().mode() == BackendMode.REDIS);
		}
	}

	@Test
	void aPingTimeoutNoLongerThanTheDeadlineStillLeavesAHungRedis() {
		HangingRedis ping = new HangingRedis();
		try (BackendMonitor monitor = BackendMonitor.startUp(settings(Duration.ofMillis(100)), ENDPOINT, ping,
				Secrets.none(), Clock.systemUTC())) {
			ping.hung.set(true);
			await().atMost(Duration.ofSeconds(4)).until(() -> monitor.state().mode() == BackendMode.MEMORY);
			ping.hung.set(false);
		}
	}

	private static BackendMonitor.Settings settings(Duration pingTimeout) {
		return new BackendMonitor.Settings(BackendSelection.AUTO, false, pingTimeout, Duration.ofMillis(50),
				Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(30));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Answers at once, until {@code hung} is set: then a PING waits until it is cleared,
	 * as on a frozen server.
	 */
	private static final class HangingRedis implements RedisPing {

		final AtomicBoolean hung = new AtomicBoolean();

		@Override
		public void ping() {
			while (this.hung.get()) {
				sleep(10);
			}
		}

	}

	/** Connects on first use, as Lettuce does, unless told to connect first. */
	private static final class ColdClient implements RedisPing {

		private final long connectMillis;

		private final long pingMillis;

		private volatile boolean connected;

		ColdClient(long connectMillis, long pingMillis) {
			this.connectMillis = connectMillis;
			this.pingMillis = pingMillis;
		}

		@Override
		public void connect() {
			if (!this.connected) {
				sleep(this.connectMillis);
				this.connected = true;
			}
		}

		@Override
		public void ping() {
			connect();
			sleep(this.pingMillis);
		}

	}

}
