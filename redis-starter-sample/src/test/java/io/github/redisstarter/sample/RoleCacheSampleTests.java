package io.github.redisstarter.sample;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles in a database shared by two sample instances, read through the RoleCache, updated
 * through either; and, on the same two instances, a user signed in on one is signed in on
 * the other (HTTP sessions in Redis).
 */
class RoleCacheSampleTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void twoInstancesOnOneH2DatabaseAndOneRedisNeverServeAStaleRole() throws Exception {
		String database = "--spring.datasource.url="
				+ SampleProcess.h2Url(Files.createTempDirectory("redis-starter-sample-shared-"));
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		// Started together: both open the file, create the table and seed at the same
		// moment.
		java.util.concurrent.CompletableFuture<SampleProcess> first = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> start(env, database));
		try (SampleProcess b = start(env, database); SampleProcess a = first.join()) {
			assertTwoInstancesShareRoles(a, b);
			assertTwoInstancesShareSessions(a, b);
		}
	}

	@Test
	@Tag("machine") // needs a PostgreSQL server: run with -Pmachine-services
	void theSameOnPostgresql() throws Exception {
		String schema = "redis_starter_sample_" + UUID.randomUUID().toString().replace("-", "");
		// .ci/run sets these when it made a user of its own (a GitHub runner's service
		// container, or a machine whose
		// PostgreSQL does not trust local connections); the defaults are a local server
		// that does.
		String url = environment("REDIS_STARTER_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
		String user = environment("REDIS_STARTER_TEST_POSTGRES_USER", "postgres");
		String password = environment("REDIS_STARTER_TEST_POSTGRES_PASSWORD", "");
		try (Connection connection = DriverManager.getConnection(url, user, password);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA " + schema);
			try {
				Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
				String[] settings = {
						"--spring.datasource.url=" + url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
						"--spring.datasource.username=" + user, "--spring.datasource.password=" + password };
				try (SampleProcess a = SampleProcess.start(env, settings);
						SampleProcess b = SampleProcess.start(env, settings)) {
					assertTwoInstancesShareRoles(a, b);
				}
			}
			finally {
				statement.execute("DROP SCHEMA " + schema + " CASCADE");
			}
		}
	}

	@Test
	void anUpdateWhileRedisIsAwayIsAcceptedAndItsEvictionLandsOnceRedisIsBack() throws Exception {
		String database = "--spring.datasource.url="
				+ SampleProcess.h2Url(Files.createTempDirectory("redis-starter-sample-pending-"));
		try (SampleProcess a = start(Map.of("REDIS_URL", redis.server().url()), database)) {
			assertThat(a.getJson("/api/roles/admin").path("name").asString()).isEqualTo("Administrator");
			assertThat(redis.server().command("GET", "cache:roles:1:{admin}").toString()).contains("Administrator");
			redis.server().stop();
			HttpResponse<String> updated = a.put("/api/roles/admin", "{\"name\":\"Root\",\"permissions\":[\"*\"]}");
			// Saved in the database, but other instances may serve the old role until
			// Redis takes the eviction.
			assertThat(updated.statusCode()).isEqualTo(202);
			assertThat(updated.headers().firstValue("Retry-After")).hasValue("1");
			// Redis comes back with the old role (a restart that kept its data would):
			// the retry replaces it.
			redis.server().start();
			redis.server()
				.command("SET", "cache:roles:1:{admin}",
						"V {\"id\":\"admin\",\"name\":\"Administrator\",\"permissions\":[]}");
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(15))
				.until(() -> !String.valueOf(redis.server().command("GET", "cache:roles:1:{admin}"))
					.contains("Administrator"));
			assertThat(a.getJson("/api/roles/admin").path("name").asString()).isEqualTo("Root");
		}
	}

	private static SampleProcess start(Map<String, String> env, String... settings) {
		try {
			return SampleProcess.start(env, settings);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static void assertTwoInstancesShareRoles(SampleProcess a, SampleProcess b) throws Exception {
		// Seeded once although both instances seeded.
		JsonNode all = b.getJson("/api/roles");
		assertThat(all.size()).isEqualTo(3);
		assertThat(a.getJson("/api/roles/admin").path("name").asString()).isEqualTo("Administrator");
		assertThat(b.getJson("/api/roles/admin").path("name").asString()).isEqualTo("Administrator");
		// The names through Spring's cache annotations, cached on both instances.
		assertThat(a.getJson("/api/role-names").toString()).contains("\"Administrator\"");
		assertThat(b.getJson("/api/role-names").toString()).contains("\"Administrator\"");

		HttpResponse<String> updated = a.put("/api/roles/admin", "{\"name\":\"Root\",\"permissions\":[\"*\"]}");
		assertThat(updated.statusCode()).isEqualTo(200);
		// B had the old role cached (in Redis and maybe near): it must serve the new one
		// at once.
		assertThat(b.getJson("/api/roles/admin").path("name").asString()).isEqualTo("Root");
		assertThat(b.getJson("/api/roles/admin").path("permissions").get(0).asString()).isEqualTo("*");
		assertThat(a.getJson("/api/roles/admin").path("name").asString()).isEqualTo("Root");
		// A's @CacheEvict reached B before the update returned.
		assertThat(b.getJson("/api/role-names").toString()).contains("\"Root\"").doesNotContain("Administrator");

		HttpResponse<String> missing = b.get("/api/roles/ghost");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(missing.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(missing.body()).contains("No role with id 'ghost'");
		assertThat(a.put("/api/roles/ghost", "{\"name\":\"x\",\"permissions\":[]}").statusCode()).isEqualTo(404);
	}

	private static void assertTwoInstancesShareSessions(SampleProcess a, SampleProcess b) throws Exception {
		HttpResponse<String> login = a.post("/api/login", "{\"name\":\"ann\"}");
		assertThat(login.statusCode()).isEqualTo(200);
		String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
		assertThat(cookie).startsWith("SESSION=");
		HttpResponse<String> onB = b.get("/api/me", "Cookie", cookie);
		assertThat(onB.statusCode()).isEqualTo(200);
		assertThat(onB.body()).contains("\"user\":\"ann\"");
		assertThat(a.get("/api/me").statusCode()).as("without the cookie").isEqualTo(401);
		assertThat(b.post("/api/logout", "", "Cookie", cookie).statusCode()).isEqualTo(204);
		assertThat(a.get("/api/me", "Cookie", cookie).statusCode()).as("signed out everywhere").isEqualTo(401);
	}

	private static String environment(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isEmpty()) ? fallback : value;
	}

}
