package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.redisstarter.autoconfigure.health.BackendHealthIndicator;
import io.github.redisstarter.autoconfigure.metrics.BackendMetrics;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away and comes back while the app runs; callers keep getting answers and the
 * app notices little.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutageTests {

	private static final String PASSWORD = "outage-pw";

	/**
	 * Generous bounds: the machine may be busy, the point is seconds, not Lettuce's 60 s.
	 */
	private static final Duration CALL_BOUND = Duration.ofSeconds(3);

	private static final Duration SWITCH_BOUND = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(PASSWORD));

	@Test
	void killedRedisIsReplacedByTheTwinsAndTakenBackWhenItReturns(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run()) {
			BackendState state = context.getBean(BackendState.class);
			java.util.List<BackendSwitch> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
			state.addListener(heard::add);
			assertThat(read(context)).isEqualTo("from-redis");

			redis.server().kill();
			long outageStart = System.nanoTime();
			await().atMost(SWITCH_BOUND).until(() -> timedRead(context).equals("from-memory"));
			assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			for (int i = 0; i < 20; i++) {
				assertThat(timedRead(context)).isEqualTo("from-memory");
			}
			assertThat(Duration.ofNanos(System.nanoTime() - outageStart)).isLessThan(Duration.ofSeconds(15));
			assertHealth(context, Status.UP, "memory");
			assertThat(gauge(context, "memory")).isEqualTo(1.0);

			redis.server().start();
			redis.server().command("SET", "k", "from-redis");
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(timedRead(context)).isEqualTo("from-redis");
			assertHealth(context, Status.UP, "redis");
			assertThat(gauge(context, "redis")).isEqualTo(1.0);
			assertThat(switches(context, "to-memory")).isEqualTo(1.0);
			assertThat(switches(context, "to-redis")).isEqualTo(1.0);
			await().atMost(SWITCH_BOUND).until(() -> heard.size() == 2);
			assertThat(heard).extracting(BackendSwitch::to).containsExactly(BackendMode.MEMORY, BackendMode.REDIS);
		}
		// Once each way, however many calls failed meanwhile; and never the password.
		assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("unreachable");
		assertThat(Logs.starterLines(output, "INFO").stream().filter(line -> line.contains("is back"))).hasSize(1);
		assertThat(output.getAll()).doesNotContain(PASSWORD);
		// Lettuce's own reconnect lines (an INFO and a WARN per attempt) are quiet: the
		// switch lines say it once.
		assertThat(output.getAll()).doesNotContain("ConnectionWatchdog");
	}

	@Test
	void lettucesReconnectLinesComeBackWithTheUsualLoggingProperty(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run(
				"logging.level.io.lettuce.core.protocol.ConnectionWatchdog=INFO")) {
			BackendState state = context.getBean(BackendState.class);
			redis.server().kill();
			await().atMost(SWITCH_BOUND).until(() -> output.getAll().contains("ConnectionWatchdog"));
			redis.server().start();
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
		}
	}

	@Test
	void redisThatWasDownAtStartupIsTakenUpWhenItAppears() {
		redis.server().stop();
		try (ConfigurableApplicationContext context = run()) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(timedRead(context)).isEqualTo("from-memory");
			redis.server().start();
			redis.server().command("SET", "k", "from-redis");
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(timedRead(context)).isEqualTo("from-redis");
		}
	}

	@Test
	void aHungRedisIsDetectedByTheMonitorAndCallersAreAnsweredMeanwhile() {
		try (ConfigurableApplicationContext context = run()) {
			BackendState state = context.getBean(BackendState.class);
			redis.server().pause();
			assertThat(timedRead(context)).isIn("from-redis", "from-memory");
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.MEMORY);
			assertThat(state.reason()).contains("timed out");
			assertThat(timedRead(context)).isEqualTo("from-memory");
			redis.server().resume();
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
		}
	}

	@Test
	void aFailureThatIsNotAnOutageReachesTheCallerAndSwitchesNothing() {
		try (ConfigurableApplicationContext context = run()) {
			Failover failover = context.getBean(Failover.class);
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			assertThatThrownBy(() -> failover.call(() -> template.opsForList().leftPop("k"), () -> "from-memory"))
				.isInstanceOf(RedisSystemException.class)
				.hasStackTraceContaining("WRONGTYPE");
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.REDIS);
		}
	}

	@Test
	void fallbackCanBeReportedAsDown() {
		redis.server().stop();
		try (ConfigurableApplicationContext context = run("redis-starter.health.fallback-status=down")) {
			assertHealth(context, Status.DOWN, "memory");
		}
	}

	@Test
	void bootsOwnRedisHealthContributorIsReplaced() {
		try (ConfigurableApplicationContext context = run()) {
			assertThat(context.getBean("redisHealthContributor")).isInstanceOf(BackendHealthIndicator.class);
			assertThat(
					context.getBeansOfType(org.springframework.boot.data.redis.health.DataRedisHealthIndicator.class))
				.isEmpty();
			assertThat(context
				.getBeansOfType(org.springframework.boot.data.redis.health.DataRedisReactiveHealthIndicator.class))
				.isEmpty();
		}
	}

	private static ConfigurableApplicationContext run(String... settings) {
		if (redis.server().isRunning()) {
			redis.server().command("SET", "k", "from-redis");
		}
		String[] all = java.util.stream.Stream
			.concat(java.util.stream.Stream.of("redis-starter.ping-interval=100ms", "redis-starter.ping-timeout=500ms"),
					java.util.stream.Stream.of(settings))
			.toArray(String[]::new);
		return TestApp.run(Map.of("REDIS_URL", redis.server().url()), all);
	}

	private static String read(ConfigurableApplicationContext context) {
		StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
		return context.getBean(Failover.class).call(() -> template.opsForValue().get("k"), () -> "from-memory");
	}

	/** A read that must answer within the call bound, whatever Redis is doing. */
	private static String timedRead(ConfigurableApplicationContext context) {
		long start = System.nanoTime();
		String value = read(context);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
		return value;
	}

	private static void assertHealth(ConfigurableApplicationContext context, Status status, String mode) {
		Health health = context.getBean(BackendHealthIndicator.class).health(true);
		assertThat(health.getStatus()).isEqualTo(status);
		assertThat(health.getDetails()).containsEntry("mode", mode).containsKey("endpoint").containsKey("detector");
		assertThat(context.getBean(MeterRegistry.class).get(BackendMetrics.CALL_DEADLINE).gauge().value())
			.as("the call deadline, in seconds")
			.isBetween(0.1, 0.5);
		assertThat(health.toString()).doesNotContain(PASSWORD);
	}

	private static double gauge(ConfigurableApplicationContext context, String mode) {
		return context.getBean(MeterRegistry.class).get(BackendMetrics.MODE).tag("mode", mode).gauge().value();
	}

	private static double switches(ConfigurableApplicationContext context, String direction) {
		return context.getBean(MeterRegistry.class)
			.get(BackendMetrics.SWITCHES)
			.tag("direction", direction)
			.counter()
			.count();
	}

}
