package io.github.redisstarter.test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisClusterTests {

	@Test
	void formsAClusterAndPromotesAReplicaWhenAMasterIsKilled() {
		try (RedisCluster cluster = RedisCluster.start(3, 1)) {
			assertThat(cluster.servers()).hasSize(6);
			assertThat(cluster.nodes().split(",")).hasSize(6).allMatch((node) -> node.startsWith("127.0.0.1:"));
			List<RedisServer> masters = cluster.masters();
			assertThat(masters).hasSize(3);
			Set<Integer> masterPorts = new HashSet<>();
			masters.forEach((master) -> masterPorts.add(master.port()));
			assertThat(masterPorts).hasSize(3);

			RedisServer master = cluster.masterOf("{user}:1");
			master.command("SET", "{user}:1", "v");
			assertThat(master.command("GET", "{user}:1")).isEqualTo("v");
			assertThat(cluster.slot("{user}:1")).isEqualTo(cluster.slot("{user}:2"));

			master.kill();
			Duration promotion = cluster.awaitHealthy(Duration.ofSeconds(20));
			RedisServer promoted = cluster.masterOf("{user}:1");
			assertThat(promoted).isNotSameAs(master);
			// Not asserted: that the key survived. Replication is asynchronous, and in
			// two
			// runs of this test the promoted replica came up without it.
			assertThat(promotion).isLessThan(Duration.ofSeconds(20));

			master.start();
			cluster.awaitHealthy(Duration.ofSeconds(20));
			assertThat(cluster.masters()).hasSize(3).doesNotContain(master);
			assertThat(cluster.masterOf("{user}:1")).isSameAs(promoted);
		}
	}

	@Test
	void embeddedRedisSixFormsACluster() {
		// The harness joins nodes with commands Redis 6.2 has (no ADDSLOTSRANGE, no
		// redis-cli).
		try (RedisCluster cluster = RedisCluster.start(3, 0, RedisServer.config().embedded())) {
			assertThat(cluster.servers().get(0).info("redis_version")).startsWith("6.2");
			assertThat(cluster.masters()).hasSize(3);
		}
	}

}
