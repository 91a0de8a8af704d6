package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warning, at startup and in the {@code queues} health component, when Redis'
 * eviction policy can evict the queue's keys; and none when it cannot.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueEvictionPolicyTests {

	@RegisterExtension
	static final RedisServerExtension evicting = new RedisServerExtension(
			RedisServer.config().arguments("--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"));

	@RegisterExtension
	static final RedisServerExtension safe = new RedisServerExtension(
			RedisServer.config().arguments("--maxmemory", "100mb", "--maxmemory-policy", "volatile-lru"));

	private static ConfigurableApplicationContext start(RedisServerExtension redis) {
		return TestApp.run(Map.of(), "spring.data.redis.url=" + redis.server().url(),
				"management.endpoints.web.exposure.include=health");
	}

	private static IndicatedHealthDescriptor queues(ConfigurableApplicationContext context) {
		return (IndicatedHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath("queues");
	}

	@Test
	void anAllKeysPolicyIsWarnedOfAtStartupAndInHealth(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start(evicting)) {
			// Logged off the startup path.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> output.getOut().contains("maxmemory-policy is allkeys-lru"));
			await().atMost(Duration.ofSeconds(10)).until(() -> queues(context).getDetails().containsKey("warning"));
			IndicatedHealthDescriptor health = queues(context);
			assertThat(health.getStatus().getCode()).isEqualTo("UP");
			assertThat(health.getDetails()).containsEntry("store", "redis")
				.containsEntry("evictionPolicy", "allkeys-lru");
			assertThat((String) health.getDetails().get("warning")).isEqualTo(
					"Redis' maxmemory-policy is allkeys-lru: when Redis is full it may evict the queue's keys, and the"
							+ " jobs in them are lost. Set maxmemory-policy to noeviction on the Redis that holds the queues");
		}
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("maxmemory-policy is allkeys-lru"))).hasSize(1);
	}

	@Test
	void aPolicyThatCannotEvictQueueKeysIsNot(CapturedOutput output) throws InterruptedException {
		try (ConfigurableApplicationContext context = start(safe)) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "volatile-lru".equals(queues(context).getDetails().get("evictionPolicy")));
			// The startup check runs off the startup path, on a thread of its own,
			// started
			// with the context: it has logged what it logs once that thread has ended.
			for (Thread thread : Thread.getAllStackTraces().keySet()) {
				if (thread.getName().startsWith("redis-starter-queue-eviction-check-")) {
					thread.join(Duration.ofSeconds(15).toMillis());
					assertThat(thread.isAlive()).isFalse();
				}
			}
			assertThat(queues(context).getDetails()).doesNotContainKey("warning");
		}
		assertThat(output.getOut()).doesNotContain("maxmemory-policy is");
	}

}
