package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.RoleCache;
import io.github.redisstarter.cache.RoleLoader;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.RedisSentinels;
import io.github.redisstarter.test.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two app instances on a master, a replica and three sentinels, found through the
 * {@code REDIS_SENTINEL_*} variables: the master is killed under load, the sentinels
 * promote the replica, and the apps go to their twins and come back to the new master on
 * their own, once each way; afterwards roles read through and broadcasts reach the other
 * instance on the new master's subscription.
 */
@ExtendWith(OutputCaptureExtension.class)
class SentinelFailoverTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	@Test
	void aKilledMasterIsReplacedByThePromotedReplicaWithOneSwitchEachWay(CapturedOutput output)
			throws InterruptedException {
		try (RedisSentinels sentinels = RedisSentinels.start(1, 3);
				ConfigurableApplicationContext a = start(sentinels);
				ConfigurableApplicationContext b = start(sentinels)) {
			BackendState stateA = a.getBean(BackendState.class);
			BackendState stateB = b.getBean(BackendState.class);
			assertThat(stateA.mode()).isEqualTo(BackendMode.REDIS);
			assertThat(stateA.endpoint().toString()).startsWith("sentinel master 'mymaster' via 127.0.0.1:");
			RedisServer first = sentinels.master();
			Map<String, Object> shape = Map.of("master", "mymaster", "address", "127.0.0.1:" + first.port(), "flags",
					"master", "replicas", 1L, "sentinels", 3L);
			await().atMost(BOUND).until(() -> shape.equals(TestApp.redisHealthDetails(a).get("sentinel")));
			assertThat(TestApp.redisHealthDetails(a)).containsEntry("role", "master");
			try (BackgroundLoad load = BackgroundLoad.start(List.of(a, b).stream().<IntConsumer>map((app) -> (i) -> {
				app.getBean(RateLimiter.class).tryAcquire("api", "load-" + (i % 50));
				assertThat(roles(app).get("admin")).contains("Administrator");
			}).toList())) {
				RedisServer master = sentinels.master();
				long killed = System.nanoTime();
				master.kill();
				await().atMost(BOUND)
					.until(() -> stateA.mode() == BackendMode.MEMORY && stateB.mode() == BackendMode.MEMORY);
				sentinels.awaitNewMaster(master, BOUND);
				Duration promoted = Duration.ofNanos(System.nanoTime() - killed);
				await().atMost(BOUND)
					.until(() -> stateA.mode() == BackendMode.REDIS && stateB.mode() == BackendMode.REDIS);
				Duration back = Duration.ofNanos(System.nanoTime() - killed);
				List<Throwable> failures = load.stop();
				System.out.printf("sentinel failover: promoted after %d ms, back after %d ms, %d calls%n",
						promoted.toMillis(), back.toMillis(), load.calls());
				assertThat(failures).as("calls answered throughout").isEmpty();
				assertThat(back).as("back on Redis at most a second after the sentinels promoted the replica")
					.isLessThanOrEqualTo(promoted.plusSeconds(1));
			}
			assertThat(sentinels.master().command("GET", "cache:roles:1:{admin}").toString()).contains("Administrator");
			// Read again on the way back: the promoted replica is the master now.
			String promoted = "127.0.0.1:" + sentinels.master().port();
			await().atMost(BOUND).until(() -> promoted.equals(sentinel(TestApp.redisHealthDetails(a)).get("address")));
			assertThat(TestApp.redisHealthDetails(a)).containsEntry("role", "master");

			List<String> heard = new CopyOnWriteArrayList<>();
			b.getBean(Broadcaster.class).subscribe("notices", String.class, (channel, text) -> heard.add(text));
			await().atMost(BOUND).until(() -> {
				a.getBean(Broadcaster.class).publish("notices", "after failover");
				return !heard.isEmpty();
			});
		}
		assertThat(Logs.starterLines(output, "ERROR")).hasSize(2);
		assertThat(Logs.starterLines(output, "INFO").stream().filter((line) -> line.contains("is back"))).hasSize(2);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> sentinel(Map<String, Object> health) {
		return (Map<String, Object>) health.get("sentinel");
	}

	private static ConfigurableApplicationContext start(RedisSentinels sentinels) {
		return new SpringApplicationBuilder(TestApp.class, Roles.class).web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of("REDIS_SENTINEL_MASTER", sentinels.masterName(),
					"REDIS_SENTINEL_NODES", sentinels.sentinelNodes())))
			.run("--spring.main.banner-mode=off", "--redis-starter.rate-limit.limits.api.bands=5/1m",
					// The sentinels find each other within seconds of starting.
					"--redis-starter.health.server-info.max-age=500ms");
	}

	@SuppressWarnings("unchecked")
	private static RoleCache<String> roles(ConfigurableApplicationContext context) {
		return context.getBean(RoleCache.class);
	}

	@SpringBootConfiguration
	static class Roles {

		@Bean
		RoleLoader<String> roleLoader() {
			return (id) -> Optional.of("Administrator");
		}

	}

}
