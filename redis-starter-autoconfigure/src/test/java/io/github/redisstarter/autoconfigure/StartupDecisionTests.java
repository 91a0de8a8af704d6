package io.github.redisstarter.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisUnreachableException;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How the backend is chosen at startup: each case of {@code redis-starter.mode} and
 * {@code required}.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupDecisionTests {

	private static final String PASSWORD = "s3cr3t-pw";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(PASSWORD));

	@Test
	void nothingConfiguredRunsInMemoryWithOneWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp.run()) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(state.endpoint()).isNull();
			assertThat(state.reason()).isEqualTo("no Redis configured");
		}
		assertThat(output.getOut()).containsOnlyOnce("No Redis configured").contains("Set REDIS_URL");
		assertThat(Logs.starterLines(output, "WARN")).hasSize(1);
		assertThat(Logs.starterLines(output, "ERROR")).isEmpty();
	}

	@Test
	void configuredAndAnsweringUsesRedis(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()))) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
			assertThat(state.lastPing().succeeded()).isTrue();
		}
		assertThat(Logs.starterLines(output, "WARN")).isEmpty();
		assertThat(Logs.starterLines(output, "ERROR")).isEmpty();
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

	/**
	 * Spring logs an INFO line for every bean a second thread creates while the main
	 * thread holds the singleton lock: the startup PING's thread must find everything it
	 * needs already made, even when an app bean that needs the starter is created before
	 * Boot's connection factory (as an app's own beans are).
	 */
	@Test
	void theStartupPingCreatesNoBeansOnItsOwnThread(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp.runWith(new Class<?>[] { BeanNeedingTheBackend.class },
				Map.of("REDIS_URL", redis.server().url()), "logging.level.org.springframework.beans.factory=INFO")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.REDIS);
		}
		assertThat(output.getAll()).doesNotContain("while other thread holds singleton lock");
	}

	@Test
	void closedPortFallsBackWithOneErrorNamingHostPortAndCause(CapturedOutput output) throws IOException {
		int closedPort = closedPort();
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = TestApp
			.run(Map.of("REDIS_URL", "redis://app:" + PASSWORD + "@127.0.0.1:" + closedPort))) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(state.reason()).contains("connection refused");
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement()
			.asString()
			.contains("127.0.0.1:" + closedPort)
			.contains("connection refused")
			.contains("in-memory twins");
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

	@Test
	void wrongPasswordFallsBackNamingTheAuthenticationFailure(CapturedOutput output) {
		String wrong = "not-the-password";
		try (ConfigurableApplicationContext context = TestApp
			.run(Map.of("REDIS_URL", "redis://:" + wrong + "@127.0.0.1:" + redis.server().port()))) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement()
			.asString()
			.contains("refused the app's credentials (authentication failed (WRONGPASS")
			.doesNotContain("unreachable");
		assertThat(output.getAll()).doesNotContain(wrong).doesNotContain(PASSWORD);
	}

	@Test
	void missingPasswordFallsBackNamingNoauth(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp
			.run(Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", String.valueOf(redis.server().port())))) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("NOAUTH");
	}

	@Test
	void tlsToAPlainTextServerFallsBackNamingTls(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp
			.run(Map.of("REDIS_URL", "rediss://:" + PASSWORD + "@127.0.0.1:" + redis.server().port()))) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("TLS handshake");
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

	@Test
	void anAddressThatDropsPacketsDoesNotHoldStartupPastThreePingTimeoutsEvenWithALongConnectTimeout()
			throws IOException {
		try (Blackhole blackhole = new Blackhole()) {
			long start = System.nanoTime();
			try (ConfigurableApplicationContext context = TestApp.run(
					Map.of("REDIS_URL", "redis://127.0.0.1:" + blackhole.port()), "redis-starter.ping-timeout=1s",
					"redis-starter.connect-timeout=10s")) {
				Duration startupDecision = Duration.ofNanos(System.nanoTime() - start);
				BackendState state = context.getBean(BackendState.class);
				assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
				// The context itself takes a second or two to start on a slow machine;
				// the connection adds at most
				// three PING timeouts (3 s), not the 10 s connect timeout.
				assertThat(startupDecision).isLessThan(Duration.ofSeconds(3 + 3));
			}
		}
	}

	@Test
	void memoryModeNeverTouchesRedis() {
		long connectionsBefore = Long.parseLong(redis.server().info("total_connections_received"));
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()),
				"redis-starter.mode=memory", "redis-starter.ping-interval=50ms")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
			sleep(Duration.ofMillis(300));
		}
		long connectionsAfter = Long.parseLong(redis.server().info("total_connections_received"));
		// The INFO calls themselves are the only connections: one before, one after.
		assertThat(connectionsAfter - connectionsBefore).isEqualTo(1);
	}

	@Test
	void requiredHasNoEffectInMemoryModeAndSaysSo(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp.run("redis-starter.mode=memory",
				"redis-starter.required=true")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "WARN")).singleElement()
			.asString()
			.contains("required=true has no effect with redis-starter.mode=memory");
	}

	@Test
	void redisModeStaysOnRedisWhileItIsDownAndPicksItUpWhenItAnswers(CapturedOutput output) {
		redis.server().stop();
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()),
				"redis-starter.mode=redis", "redis-starter.ping-interval=100ms")) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
			assertThat(state.lastPing().succeeded()).isFalse();
			assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("mode=redis");
			redis.server().start();
			await().atMost(Duration.ofSeconds(10)).until(() -> state.lastPing().succeeded());
			assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		}
		assertThat(output.getAll()).contains("answers again");
	}

	@Test
	void requiredRedisThatDoesNotAnswerStopsStartupWithAClearMessage(CapturedOutput output) throws IOException {
		int closedPort = closedPort();
		assertThatThrownBy(() -> TestApp.run(Map.of("REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + closedPort),
				"redis-starter.required=true"))
			.hasRootCauseInstanceOf(RedisUnreachableException.class)
			.rootCause()
			.hasMessageContaining("127.0.0.1:" + closedPort)
			.hasMessageContaining("connection refused")
			.hasMessageNotContaining(PASSWORD);
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("redis-starter.required=true")
			.doesNotContain(PASSWORD);
	}

	@Test
	void requiredRedisThatIsNotConfiguredStopsStartup(CapturedOutput output) {
		assertThatThrownBy(() -> TestApp.run("redis-starter.required=true"))
			.hasRootCauseInstanceOf(RedisUnreachableException.class);
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains("no Redis is configured");
	}

	@Test
	void requiredRedisThatAnswersStartsNormally() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()),
				"redis-starter.required=true")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.REDIS);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class BeanNeedingTheBackend {

		@Bean
		String needsTheBackend(BackendState state) {
			return state.mode().name();
		}

	}

	static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
