package io.github.redisstarter.connection.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules over what INFO tells (the reading itself runs against real servers in
 * {@code RedisHealthDetailsTests}, {@code ClusterFailoverTests} and
 * {@code SentinelFailoverTests}): which policies warn, a replica's role, a Cluster's
 * fullest master.
 */
class RedisServerFactsTests {

	private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

	private static Properties info(String role, long used, long max, String policy, String version) {
		Properties info = new Properties();
		info.setProperty("redis_version", version);
		info.setProperty("role", role);
		info.setProperty("used_memory", String.valueOf(used));
		info.setProperty("maxmemory", String.valueOf(max));
		info.setProperty("maxmemory_policy", policy);
		return info;
	}

	@Test
	void onlyAnEvictingPolicyWithAMaxMemoryWarns() {
		assertThat(RedisServerFacts.of(info("master", 1, 0, "allkeys-lru", "7.0.15"), AT).evictionWarning())
			.as("no maxmemory: Redis never evicts")
			.isNull();
		assertThat(RedisServerFacts.of(info("master", 1, 1 << 20, "noeviction", "7.0.15"), AT).evictionWarning())
			.isNull();
		assertThat(RedisServerFacts.of(info("master", 1, 1 << 20, "allkeys-random", "7.0.15"), AT).evictionWarning())
			.contains("maxmemory 1 MB")
			.contains("the job queue's (their jobs are lost)");
		assertThat(RedisServerFacts.of(info("master", 1, 3 << 19, "volatile-ttl", "7.0.15"), AT).evictionWarning())
			.contains("maxmemory 1.5 MB")
			.contains("keys that expire")
			.contains("the job queue's keys never expire and are safe");
	}

	@Test
	void aReplicaIsCalledOneAndTheDetailsKeepTheirOrder() {
		RedisServerFacts replica = RedisServerFacts.of(info("slave", 10, 0, "noeviction", "6.2.6"), AT);
		assertThat(replica.role()).isEqualTo("replica");
		assertThat(replica.details().keySet()).containsExactly("version", "role", "usedMemory", "maxMemory",
				"evictionPolicy", "serverInfoAt");
	}

	@Test
	void aClusterTellsItsFullestMasterAndEveryVersionAndPolicyItsMastersRun() {
		RedisServerFacts cluster = RedisServerFacts.ofCluster(
				List.of(info("master", 10, 100, "noeviction", "7.0.15"),
						info("master", 90, 100, "allkeys-lru", "7.2.4"), info("master", 50, 0, "noeviction", "7.0.15")),
				Map.of("state", "ok"), AT);
		assertThat(cluster.role()).isEqualTo("cluster");
		assertThat(cluster.version()).isEqualTo("7.0.15, 7.2.4");
		assertThat(cluster.usedMemory()).isEqualTo(90);
		assertThat(cluster.evictionPolicy()).isEqualTo("allkeys-lru, noeviction");
		assertThat(cluster.evictionWarning()).contains("the job queue's");
		assertThat(cluster.details()).containsEntry("cluster", Map.of("state", "ok"));
	}

}
