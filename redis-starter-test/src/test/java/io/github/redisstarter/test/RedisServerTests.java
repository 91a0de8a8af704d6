package io.github.redisstarter.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisServerTests {

	@ParameterizedTest
	@ValueSource(strings = { "auto", "embedded" })
	void killsAndRestartsOnTheSamePort(String kind) {
		try (RedisServer server = serverOfKind(kind, RedisServer.config().password("p@ss word"))) {
			server.start();
			int port = server.port();
			server.command("SET", "k", "v");
			assertThat(server.command("GET", "k")).isEqualTo("v");

			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThatThrownBy(() -> server.command("PING")).hasMessageContaining("PING");

			server.start();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.command("GET", "k")).as("a restarted server starts empty").isNull();
			assertThat(server.url()).isEqualTo("redis://:p%40ss%20word@127.0.0.1:" + port);
		}
	}

	@Test
	void pausedServerAcceptsConnectionsButAnswersNothing() throws IOException {
		try (RedisServer server = RedisServer.create()) {
			server.start();
			server.pause();
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(RedisServer.HOST, server.port()), 1000);
				socket.setSoTimeout(300);
				socket.getOutputStream().write("PING\r\n".getBytes());
				assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
			}
			server.resume();
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void aclUsersAreRecreatedOnEveryStart() {
		try (RedisServer server = RedisServer
			.create(RedisServer.config().password("admin").aclUser("app", "app-secret"))) {
			server.start();
			assertThat(server.command("ACL", "WHOAMI")).isEqualTo("default");
			assertThat(server.command("ACL", "USERS").toString()).contains("app");
			server.restart();
			assertThat(server.command("ACL", "USERS").toString()).contains("app");
		}
	}

	@Test
	void changedPasswordLastsUntilTheNextStart() {
		try (RedisServer server = RedisServer.create(RedisServer.config().password("first"))) {
			server.start();
			server.changePassword("second");
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.password()).isEqualTo("second");
			server.restart();
			assertThat(server.password()).isEqualTo("first");
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	/**
	 * The embedded binary too: a machine with only a JDK runs the TLS tests on it, with
	 * keytool's certificates.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "auto", "embedded" })
	void tlsServerAnswersOnASecondPortToAClientTrustingItsCa(String kind) throws Exception {
		try (RedisServer server = serverOfKind(kind, RedisServer.config().tls())) {
			server.start();
			assertThat(server.tlsPort()).isNotEqualTo(server.port()).isPositive();
			assertThat(server.command("CONFIG", "GET", "tls-port").toString())
				.contains(String.valueOf(server.tlsPort()));
			try (SSLSocket socket = (SSLSocket) trusting(server.caCertificate()).getSocketFactory()
				.createSocket("127.0.0.1", server.tlsPort())) {
				socket.setSoTimeout(10_000);
				SSLParameters parameters = socket.getSSLParameters();
				parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate
																		// names 127.0.0.1
				socket.setSSLParameters(parameters);
				socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				byte[] answer = new byte[7];
				assertThat(socket.getInputStream().readNBytes(answer, 0, 7)).isEqualTo(7);
				assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
			}
		}
	}

	@Test
	void autoNeverPicksTheContainerForATlsServer() {
		try (RedisServer tls = RedisServer.auto(RedisServer.config().tls(), Optional.empty(), () -> true);
				RedisServer plain = RedisServer.auto(RedisServer.config(), Optional.empty(), () -> true)) {
			assertThat(tls).isInstanceOf(ProcessRedisServer.class);
			assertThat(plain).isInstanceOf(ContainerRedisServer.class);
		}
		assertThatThrownBy(() -> new ContainerRedisServer(RedisServer.config().tls())).hasMessageContaining("no TLS");
	}

	private static SSLContext trusting(Path caCertificate) throws Exception {
		KeyStore trustStore = KeyStore.getInstance("PKCS12");
		trustStore.load(null, null);
		try (InputStream in = Files.newInputStream(caCertificate)) {
			trustStore.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trustStore);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	@Test
	void twoServersNeverShareAPort() {
		try (RedisServer one = RedisServer.create(); RedisServer two = RedisServer.create()) {
			one.start();
			two.start();
			assertThat(one.port()).isNotEqualTo(two.port());
			one.command("SET", "only-in-one", "1");
			assertThat(two.command("EXISTS", "only-in-one")).isEqualTo(0L);
		}
	}

	@Test
	void unknownServerKindIsRejectedWithTheAcceptedValues() {
		System.setProperty(RedisServer.SERVER_KIND_PROPERTY, "podman");
		try {
			assertThatThrownBy(RedisServer::create).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("binary, docker, embedded, auto");
		}
		finally {
			System.clearProperty(RedisServer.SERVER_KIND_PROPERTY);
		}
	}

	private static RedisServer serverOfKind(String kind, RedisServer.Config config) {
		System.setProperty(RedisServer.SERVER_KIND_PROPERTY, kind);
		try {
			return RedisServer.create(config);
		}
		finally {
			System.clearProperty(RedisServer.SERVER_KIND_PROPERTY);
		}
	}

}
