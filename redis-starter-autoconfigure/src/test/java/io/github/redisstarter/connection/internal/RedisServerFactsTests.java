package io.github.redisstarter.connection.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.github.redisstarter.connection.internal.RedisServerFacts.Capabilities;
import io.github.redisstarter.connection.internal.RedisServerFacts.Risk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules over what INFO tells (the reading itself runs against real servers in
 * {@code RedisHealthDetailsTests}, {@code ClusterFailoverTests} and
 * {@code SentinelFailoverTests}): which policies warn of which keys, a replica's role, a
 * Cluster's fullest master and riskiest policy.
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

	private static String warning(Properties info, Capabilities on) {
		return (String) RedisServerFacts.of(info, AT).details(on).get("warning");
	}

	@Test
	void onlyAnEvictingPolicyWithAMaxMemoryWarnsNamingTheKeysOfTheCapabilitiesThatAreOn() {
		assertThat(warning(info("master", 1, 0, "allkeys-lru", "7.0.15"), Capabilities.ALL))
			.as("no maxmemory: Redis never evicts")
			.isNull();
		assertThat(warning(info("master", 1, 1 << 20, "noeviction", "7.0.15"), Capabilities.ALL)).isNull();
		assertThat(warning(info("master", 1, 1 << 20, "allkeys-random", "7.0.15"), Capabilities.ALL))
			.startsWith("Redis' maxmemory-policy is allkeys-random with maxmemory 1 MB: when Redis is full it evicts"
					+ " any key, among them the job queue's keys (their jobs are lost), cache tombstones")
			.contains("rate-limit state (a limit starts again, looser), sessions (their users are signed out).");
		assertThat(warning(info("master", 1, 3 << 19, "volatile-ttl", "7.0.15"), Capabilities.ALL))
			.startsWith("Redis' maxmemory-policy is volatile-ttl with maxmemory 1.5 MB: when Redis is full it evicts"
					+ " keys that expire, among them cache tombstones")
			.doesNotContain("job queue");
		Capabilities queueOnly = new Capabilities(false, false, false, true);
		assertThat(warning(info("master", 1, 1 << 20, "volatile-lru", "7.0.15"), queueOnly))
			.as("the queue's keys never expire")
			.isNull();
		Capabilities cacheOnly = new Capabilities(true, false, false, false);
		assertThat(warning(info("master", 1, 1 << 20, "allkeys-lru", "7.0.15"), cacheOnly))
			.contains("among them cache tombstones (")
			.doesNotContain("job queue")
			.doesNotContain("rate-limit")
			.doesNotContain("sessions");
	}

	@Test
	void aReplicaIsCalledOneAndTheDetailsKeepTheirOrder() {
		RedisServerFacts replica = RedisServerFacts.of(info("slave", 10, 0, "noeviction", "6.2.6"), AT);
		assertThat(replica.role()).isEqualTo("replica");
		assertThat(replica.details(Capabilities.ALL).keySet()).containsExactly("version", "role", "usedMemory",
				"maxMemory", "evictionPolicy", "serverInfoAt");
	}

	@Test
	void aClusterTellsItsFullestMasterEveryVersionAndPolicyAndTheRiskOfTheMasterThatRisksMost() {
		RedisServerFacts cluster = RedisServerFacts.ofCluster(List.of(info("master", 10, 100, "noeviction", "7.0.15"),
				info("master", 90, 100, "volatile-lru", "7.2.4"), info("master", 50, 0, "allkeys-lru", "7.0.15")),
				Map.of("state", "ok"), AT);
		assertThat(cluster.role()).isEqualTo("cluster");
		assertThat(cluster.version()).isEqualTo("7.0.15, 7.2.4");
		assertThat(cluster.usedMemory()).isEqualTo(90);
		assertThat(cluster.evictionPolicy()).isEqualTo("allkeys-lru, noeviction, volatile-lru");
		// allkeys-lru without a maxmemory never evicts: the volatile-lru master risks
		// most.
		assertThat(cluster.eviction().risk()).isEqualTo(Risk.EXPIRING_KEYS);
		assertThat((String) cluster.details(Capabilities.ALL).get("warning"))
			.startsWith("Redis' maxmemory-policy is volatile-lru with maxmemory 100 B");
		assertThat(cluster.details(Capabilities.ALL)).containsEntry("cluster", Map.of("state", "ok"));
	}

}
