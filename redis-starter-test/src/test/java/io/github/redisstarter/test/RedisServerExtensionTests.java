package io.github.redisstarter.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServerExtensionTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password("s3cret"));

	static int port;

	@Test
	@Order(1)
	void aTestMayLeaveTheServerKilledOrDirty(RedisServer server) {
		port = server.port();
		server.command("SET", "left-over", "1");
		server.changePassword("other");
		server.kill();
	}

	@Test
	@Order(2)
	void theNextTestGetsItRunningEmptyAndWithItsPasswordOnTheSamePort() {
		RedisServer server = redis.server();
		assertThat(server.isRunning()).isTrue();
		assertThat(server.port()).isEqualTo(port);
		assertThat(server.password()).isEqualTo("s3cret");
		assertThat(server.command("DBSIZE")).isEqualTo(0L);
	}

	@Test
	@Order(3)
	void aPausedServerIsThawed(RedisServer server) {
		server.command("SET", "k", "v");
		server.pause();
	}

	@Test
	@Order(4)
	void andEmptied(RedisServer server) {
		assertThat(server.command("DBSIZE")).isEqualTo(0L);
	}

}
