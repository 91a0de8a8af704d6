package io.github.redisstarter.sample;

import java.util.Map;

import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as the README runs it: without Redis, and with REDIS_URL in its real
 * environment.
 */
class SampleApplicationTests {

	private static final String PASSWORD = "sample-pa55:w@rd";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(PASSWORD));

	@Test
	void startsWithoutRedisOnTheInMemoryTwinsWithOneClearWarning() throws Exception {
		try (SampleProcess sample = SampleProcess.start(Map.of())) {
			JsonNode health = sample.getJson("/actuator/health");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			assertThat(health.path("components").path("redis").path("details").path("mode").asString())
				.isEqualTo("memory");
			assertThat(sample.getJson("/api/backend").path("reason").asString()).isEqualTo("no Redis configured");
			// Spring Session is on the classpath and nothing configures Redis: sessions
			// in
			// memory (Boot's own would go to localhost:6379).
			java.net.http.HttpResponse<String> login = sample.post("/api/login", "{\"name\":\"ann\"}");
			assertThat(login.statusCode()).isEqualTo(200);
			String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
			assertThat(sample.get("/api/me", "Cookie", cookie).body()).contains("\"user\":\"ann\"");
			assertThat(sample.output().lines().filter(line -> line.contains("WARN")).toList()).singleElement()
				.asString()
				.contains("No Redis configured")
				.contains("REDIS_URL");
		}
	}

	@Test
	void startsOnRedisWhenRedisUrlIsSetWithoutPrintingItsPassword() throws Exception {
		try (SampleProcess sample = SampleProcess.start(Map.of("REDIS_URL", redis.server().url()))) {
			JsonNode health = sample.getJson("/actuator/health");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode details = health.path("components").path("redis").path("details");
			assertThat(details.path("mode").asString()).isEqualTo("redis");
			assertThat(details.path("endpoint").asString()).isEqualTo("127.0.0.1:" + redis.server().port());
			assertThat(sample.getJson("/api/backend").path("mode").asString()).isEqualTo("redis");
			assertThat(sample.output()).contains("Using Redis at 127.0.0.1:" + redis.server().port())
				.doesNotContain(PASSWORD)
				.doesNotContain(RedisServerEncoding.encoded(PASSWORD));
		}
	}

	@Test
	void pingIsLimitedPerClientThroughRedis() throws Exception {
		try (SampleProcess sample = SampleProcess.start(Map.of("REDIS_URL", redis.server().url()))) {
			for (int i = 1; i <= 5; i++) {
				java.net.http.HttpResponse<String> ok = sample.get("/api/ping");
				assertThat(ok.statusCode()).isEqualTo(200);
				assertThat(ok.body()).contains("\"message\":\"pong\"");
				assertThat(ok.headers().firstValue("RateLimit-Policy")).hasValue("\"ping\";q=5;w=10");
				// t: whole seconds until full, rounded up; a slow machine may have let a
				// second pass since the first.
				assertThat(ok.headers().firstValue("RateLimit").orElseThrow())
					.matches("\"ping\";r=" + (5 - i) + ";t=(" + (2 * i - 1) + "|" + (2 * i) + ")");
			}
			java.net.http.HttpResponse<String> denied = sample.get("/api/ping");
			assertThat(denied.statusCode()).isEqualTo(429);
			assertThat(denied.headers().firstValue("Retry-After").orElseThrow()).isIn("1", "2");
			assertThat(denied.body()).contains("\"limit\":\"ping\"");
			// The budget lives in Redis, under the limit and the client's address.
			assertThat(redis.server().command("EXISTS", "rl:{ping:127.0.0.1}")).isEqualTo(1L);
		}
	}

	@Test
	void unreachableRedisLeavesTheAppUpOnTheTwins() throws Exception {
		int closedPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		try (SampleProcess sample = SampleProcess.start(Map.of("REDIS_URL",
				"redis://:" + RedisServerEncoding.encoded(PASSWORD) + "@127.0.0.1:" + closedPort))) {
			JsonNode health = sample.getJson("/actuator/health");
			// Boot's own Redis health contributor would report DOWN here and take the
			// whole app with it.
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode details = health.path("components").path("redis").path("details");
			assertThat(details.path("mode").asString()).isEqualTo("memory");
			assertThat(details.path("reason").asString()).isEqualTo("connection refused");
			assertThat(sample.output()).contains("127.0.0.1:" + closedPort + " is unreachable (connection refused)")
				.doesNotContain(PASSWORD)
				.doesNotContain(RedisServerEncoding.encoded(PASSWORD));
		}
	}

	/** The percent-encoded form the URL carries. */
	static final class RedisServerEncoding {

		static String encoded(String value) {
			return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
		}

	}

}
