package io.github.redisstarter.test;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSentinelsTests {

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void sentinelsPromoteTheReplicaWhenTheMasterIsKilled(boolean embedded) {
		RedisServer.Config config = embedded ? RedisServer.config().embedded() : RedisServer.config();
		try (RedisSentinels sentinels = RedisSentinels.start(1, 3, config)) {
			assertThat(sentinels.sentinelNodes().split(",")).hasSize(3);
			RedisServer master = sentinels.master();
			assertThat(master).isSameAs(sentinels.servers().get(0));
			if (embedded) {
				assertThat(master.info("redis_version")).startsWith("6.2");
			}
			master.command("SET", "k", "v");
			RedisServer replica = sentinels.servers().get(1);
			await(() -> "v".equals(replica.command("GET", "k")));

			master.kill();
			Duration failover = sentinels.awaitNewMaster(master, Duration.ofSeconds(30));
			assertThat(sentinels.master()).isSameAs(replica);
			assertThat(replica.command("GET", "k")).isEqualTo("v");
			assertThat(failover).isLessThan(Duration.ofSeconds(30));
		}
	}

	private static void await(java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
			RedisServer.sleep(Duration.ofMillis(20));
		}
	}

}
