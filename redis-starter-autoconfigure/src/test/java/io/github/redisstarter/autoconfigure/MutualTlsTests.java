package io.github.redisstarter.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisUnreachableException;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS as production uses it, with Boot's SSL bundles: a private certificate authority, a
 * client certificate for a server that asks for one ({@code --tls-auth-clients yes}), and
 * the server's name checked against its certificate, all with no setting of the starter's
 * own.
 */
@ExtendWith(OutputCaptureExtension.class)
class MutualTlsTests {

	private static final String PASSWORD = "mtls-pw-16";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(
			RedisServer.config().password(PASSWORD).mutualTls());

	/** The server's certificate names another host, signed by the same authority. */
	@RegisterExtension
	static final RedisServerExtension misnamed = new RedisServerExtension(
			RedisServer.config().password(PASSWORD).tls().tlsServerNames("dns:redis.elsewhere.invalid"));

	@Test
	void aClientCertificateFromAnSslBundleIsAccepted() {
		try (ConfigurableApplicationContext context = run(redis.server(), redis.server().clientCertificate(),
				redis.server().clientKey())) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).as(state.reason()).isEqualTo(BackendMode.REDIS);
			assertThat(state.endpoint().describe()).contains("(TLS)");
			assertThat(context.getBean(RateLimiter.class).tryAcquire("api", "mtls").source())
				.isEqualTo(Decision.Source.REDIS);
		}
	}

	@Test
	void aClientCertificateTheServerDoesNotTrustIsRefused(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run(redis.server(), redis.server().strangerCertificate(),
				redis.server().strangerKey())) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement()
			.asString()
			.contains("unreachable")
			.contains("client certificate");
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

	@Test
	void withoutAClientCertificateTheServerRefusesAndRequiredStopsStartup() {
		assertThatThrownBy(() -> run(redis.server(), null, null, "redis-starter.required=true").close()).rootCause()
			.isInstanceOf(RedisUnreachableException.class);
	}

	@Test
	void theServersNameIsCheckedAgainstItsCertificateByDefault(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run(misnamed.server(), null, null)) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement()
			.asString()
			.contains("TLS handshake failed")
			.contains("does not name the host");
	}

	private static ConfigurableApplicationContext run(RedisServer server, Path certificate, Path key, String... more) {
		java.util.List<String> settings = new java.util.ArrayList<>(java.util.List.of(
				"redis-starter.rate-limit.limits.api.bands=5/1m", "spring.data.redis.ssl.bundle=redis",
				"spring.ssl.bundle.pem.redis.truststore.certificate=file:" + server.caCertificate()));
		if (certificate != null) {
			settings.add("spring.ssl.bundle.pem.redis.keystore.certificate=file:" + certificate);
			settings.add("spring.ssl.bundle.pem.redis.keystore.private-key=file:" + key);
		}
		settings.addAll(java.util.List.of(more));
		return TestApp.run(Map.of("REDIS_URL", "rediss://:" + PASSWORD + "@127.0.0.1:" + server.tlsPort()),
				settings.toArray(String[]::new));
	}

}
