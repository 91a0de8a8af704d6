package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code redis} health component tells what Redis is (version, role, memory, eviction
 * policy) from what it read in the background, on Redis 7 and on Redis 6.2, never with an
 * INFO per health request; it warns when the eviction policy can evict keys the starter
 * relies on, and says why it cannot tell when the app's user may not run INFO, without
 * the password. Cluster and Sentinel topology: {@code ClusterFailoverTests},
 * {@code SentinelFailoverTests}.
 */
class RedisHealthDetailsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServerExtension allKeys = new RedisServerExtension(RedisServer.config()
		.password("s3cret-health")
		.arguments("--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"));

	@RegisterExtension
	static final RedisServerExtension redis62 = new RedisServerExtension(
			RedisServer.config().embedded().arguments("--maxmemory", "50mb", "--maxmemory-policy", "volatile-lru"));

	@RegisterExtension
	static final RedisServerExtension noEviction = new RedisServerExtension();

	@RegisterExtension
	static final RedisServerExtension noInfo = new RedisServerExtension(
			RedisServer.config().aclUser("app", "s3cret-user"));

	private static ConfigurableApplicationContext start(String url, String... settings) {
		String[] all = new String[settings.length + 2];
		all[0] = "spring.data.redis.url=" + url;
		all[1] = "management.endpoints.web.exposure.include=health";
		System.arraycopy(settings, 0, all, 2, settings.length);
		return TestApp.run(Map.of(), all);
	}

	private static Map<String, Object> redisDetails(ConfigurableApplicationContext context) {
		return ((IndicatedHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath("redis")).getDetails();
	}

	/** The details once the first read in the background has completed. */
	private static Map<String, Object> detailsOnceRead(ConfigurableApplicationContext context) {
		await().atMost(WAIT).until(() -> redisDetails(context).containsKey("version"));
		return redisDetails(context);
	}

	@Test
	void redis7WithAnAllKeysPolicyIsToldWithAWarningThatNamesTheKeysAtRiskAndNoPassword() {
		try (ConfigurableApplicationContext context = start(allKeys.server().url())) {
			Map<String, Object> details = detailsOnceRead(context);
			assertThat(details).containsEntry("version", allKeys.server().info("redis_version"))
				.containsEntry("role", "master")
				.containsEntry("maxMemory", 100L * 1024 * 1024)
				.containsEntry("evictionPolicy", "allkeys-lru")
				.doesNotContainKeys("cluster", "sentinel", "serverInfoFailure");
			assertThat((long) details.get("usedMemory")).isPositive();
			assertThat((String) details.get("warning")).startsWith(
					"Redis' maxmemory-policy is allkeys-lru with maxmemory 100 MB: when Redis is full it evicts any key,"
							+ " among them the job queue's keys (their jobs are lost), cache tombstones")
				.contains("rate-limit state")
				.as("a non-web app has no sessions")
				.doesNotContain("sessions")
				.contains("Set maxmemory-policy to noeviction");
			assertThat(details.toString()).doesNotContain("s3cret-health");
		}
	}

	@Test
	void redis62WithAVolatilePolicyIsToldWithAWarningThatSparesTheQueueAndNoneWhenOnlyTheQueueIsOn() {
		try (ConfigurableApplicationContext context = start(redis62.server().url())) {
			Map<String, Object> details = detailsOnceRead(context);
			assertThat((String) details.get("version")).startsWith("6.2.");
			assertThat(details).containsEntry("role", "master")
				.containsEntry("maxMemory", 50L * 1024 * 1024)
				.containsEntry("evictionPolicy", "volatile-lru");
			assertThat((String) details.get("warning"))
				.contains("it evicts keys that expire, among them cache tombstones")
				.doesNotContain("job queue");
		}
		try (ConfigurableApplicationContext context = start(redis62.server().url(), "redis-starter.cache.enabled=false",
				"redis-starter.rate-limit.enabled=false")) {
			assertThat(detailsOnceRead(context)).as("the queue's keys never expire")
				.containsEntry("evictionPolicy", "volatile-lru")
				.doesNotContainKey("warning");
		}
	}

	@Test
	void healthRequestsSendNoInfoUntilWhatWasReadIsOlderThanTheMaxAgeAndAnOutageKeepsWhatWasRead() {
		RedisServer server = noEviction.server();
		try (ConfigurableApplicationContext context = start(server.url(),
				"redis-starter.health.server-info.max-age=1s")) {
			Map<String, Object> details = detailsOnceRead(context);
			assertThat(details).containsEntry("maxMemory", 0L)
				.containsEntry("evictionPolicy", "noeviction")
				.doesNotContainKey("warning");

			long before = infoCalls(server);
			long start = System.nanoTime();
			for (int i = 0; i < 50; i++) {
				assertThat(redisDetails(context)).containsKey("version");
			}
			long elapsedSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
			// The harness' own INFO of 'before' counts once; a read per started second of
			// requests at most.
			assertThat(infoCalls(server) - before - 1).as("INFO sent for 50 health requests")
				.isLessThanOrEqualTo(elapsedSeconds + 1);

			server.command("CONFIG", "SET", "maxmemory", "10mb");
			server.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
			await().atMost(WAIT).until(() -> "allkeys-lfu".equals(redisDetails(context).get("evictionPolicy")));
			assertThat(redisDetails(context)).containsEntry("maxMemory", 10L * 1024 * 1024).containsKey("warning");

			server.kill();
			await().atMost(WAIT).until(() -> context.getBean(BackendState.class).mode() == BackendMode.MEMORY);
			assertThat(redisDetails(context)).as("what was read before the outage")
				.containsEntry("evictionPolicy", "allkeys-lfu")
				.containsEntry("mode", "memory");
		}
		finally {
			server.start();
		}
	}

	@Test
	void aUserThatMayNotRunInfoIsToldWhyNothingIsKnownWithoutItsPassword() {
		noInfo.server().command("ACL", "SETUSER", "app", "-info");
		String url = "redis://app:s3cret-user@" + noInfo.server().host() + ":" + noInfo.server().port();
		try (ConfigurableApplicationContext context = start(url)) {
			await().atMost(WAIT).until(() -> redisDetails(context).containsKey("serverInfoFailure"));
			Map<String, Object> details = redisDetails(context);
			assertThat((String) details.get("serverInfoFailure")).contains("NOPERM").contains("info");
			assertThat(details).containsEntry("mode", "redis").doesNotContainKeys("version", "warning");
			assertThat(details.toString()).doesNotContain("s3cret-user");
		}
	}

	private static long infoCalls(RedisServer server) {
		Matcher calls = Pattern.compile("calls=(\\d+)").matcher(server.info("cmdstat_info"));
		assertThat(calls.find()).isTrue();
		return Long.parseLong(calls.group(1));
	}

}
