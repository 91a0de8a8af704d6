package io.github.redisstarter.autoconfigure;

import java.io.IOException;
import java.util.Map;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every alias and URL form, against a real server with a password, an ACL user and a TLS
 * port.
 */
class ConnectionSettingsTests {

	private static final String PASSWORD = "default-pw";

	/** Every character that needs percent-encoding in a URL's userinfo. */
	private static final String ACL_PASSWORD = "p@ss:w/rd%?#";

	private static final String ACL_PASSWORD_ENCODED = "p%40ss%3Aw%2Frd%25%3F%23";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(
			RedisServer.config().password(PASSWORD).aclUser("app", ACL_PASSWORD).tls());

	@Test
	void redisUrlWithAclUserPercentEncodedPasswordAndDatabase() {
		String url = "redis://app:" + ACL_PASSWORD_ENCODED + "@127.0.0.1:" + redis.server().port() + "/3";
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", url))) {
			assertUsesRedis(context);
			assertThat(context.getBean(BackendState.class).endpoint().describe())
				.isEqualTo("127.0.0.1:" + redis.server().port() + " (user 'app', database 3)");
			writeAndExpectIn(context, "db3");
		}
	}

	@Test
	void hostPortAndPasswordVariables() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT",
				String.valueOf(redis.server().port()), "REDIS_PASSWORD", PASSWORD))) {
			assertUsesRedis(context);
			writeAndExpectIn(context, "db0");
		}
	}

	@Test
	void redisPasswordIsCarriedIntoARedisUrlWithoutCredentials() {
		try (ConfigurableApplicationContext context = TestApp
			.run(Map.of("REDIS_URL", "redis://127.0.0.1:" + redis.server().port(), "REDIS_PASSWORD", PASSWORD))) {
			assertUsesRedis(context);
		}
	}

	@Test
	void explicitSpringSettingsWinOverTheVariables() throws IOException {
		int closedPort = StartupDecisionTests.closedPort();
		try (ConfigurableApplicationContext context = TestApp.run(
				Map.of("REDIS_URL", "redis://127.0.0.1:" + closedPort, "REDIS_HOST", "unused.invalid"),
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.server().port(),
				"spring.data.redis.password=" + PASSWORD)) {
			assertUsesRedis(context);
			assertThat(context.getBean(BackendState.class).endpoint().address())
				.isEqualTo("127.0.0.1:" + redis.server().port());
		}
	}

	@Test
	void blankVariablesCountAsUnset() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", "  ", "REDIS_HOST", "",
				"REDIS_PORT", " ", "REDIS_PASSWORD", "", "REDIS_TLS", ""))) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(state.reason()).isEqualTo("no Redis configured");
		}
	}

	@Test
	void redissUrlWithATrustedCertificateAuthority() {
		String url = "rediss://:" + PASSWORD + "@127.0.0.1:" + redis.server().tlsPort() + "/2";
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", url, "REDIS_TLS", "true"),
				trustTestAuthority(), "spring.data.redis.ssl.bundle=test")) {
			assertUsesRedis(context);
			assertThat(context.getBean(BackendState.class).endpoint().tls()).isTrue();
			writeAndExpectIn(context, "db2");
		}
	}

	@Test
	void tlsVariableWithHostAndPort() {
		try (ConfigurableApplicationContext context = TestApp.run(
				Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", String.valueOf(redis.server().tlsPort()),
						"REDIS_PASSWORD", PASSWORD, "REDIS_TLS", "yes"),
				trustTestAuthority(), "spring.data.redis.ssl.bundle=test")) {
			assertUsesRedis(context);
			assertThat(context.getBean(BackendState.class).endpoint().describe()).contains("(TLS)");
		}
	}

	private static String trustTestAuthority() {
		return "spring.ssl.bundle.pem.test.truststore.certificate=file:" + redis.server().caCertificate();
	}

	private static void assertUsesRedis(ConfigurableApplicationContext context) {
		BackendState state = context.getBean(BackendState.class);
		assertThat(state.mode()).as(state.reason()).isEqualTo(BackendMode.REDIS);
	}

	/**
	 * Writes through the app's own connection and checks on the server which database
	 * received it.
	 */
	private static void writeAndExpectIn(ConfigurableApplicationContext context, String database) {
		context.getBean(StringRedisTemplate.class).opsForValue().set("written-by-the-app", "1");
		assertThat(redis.server().info(database)).startsWith("keys=1,");
	}

}
