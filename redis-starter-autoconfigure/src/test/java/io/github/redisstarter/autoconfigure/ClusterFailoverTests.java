package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.RoleCache;
import io.github.redisstarter.cache.RoleLoader;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.RedisCluster;
import io.github.redisstarter.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two app instances on a Redis Cluster of 3 masters and 3 replicas, with Boot's defaults
 * and the starter's: a master is killed under load, its replica is promoted by the
 * cluster, and the apps go to their twins and come back on their own, once each way,
 * within a second of the promotion; afterwards limits are exact, no instance serves a
 * stale role and broadcasts reach the other instance.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterFailoverTests {

	/** Generous: the machine may be busy; a failover here takes about 2 s. */
	private static final Duration BOUND = Duration.ofSeconds(20);

	static RedisCluster cluster;

	static final Map<String, String> database = new ConcurrentHashMap<>();

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start(3, 1);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	private static ConfigurableApplicationContext start(String... settings) {
		List<String> args = new ArrayList<>(
				List.of("--spring.main.banner-mode=off", "--redis-starter.rate-limit.limits.api.bands=5/1m"));
		for (String setting : settings) {
			args.add("--" + setting);
		}
		return new SpringApplicationBuilder(TestApp.class, Roles.class).web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of("REDIS_CLUSTER_NODES", cluster.nodes())))
			.run(args.toArray(String[]::new));
	}

	@Test
	void aKilledMasterCostsTheAppsThePromotionPlusASecondAndOneSwitchEachWay(CapturedOutput output)
			throws InterruptedException {
		database.put("admin", "Administrator");
		// Read again soon, so that the health component's shape follows the failover
		// even when its read on the way back met the topology before the promotion.
		String serverInfoAge = "redis-starter.health.server-info.max-age=500ms";
		try (ConfigurableApplicationContext a = start(serverInfoAge);
				ConfigurableApplicationContext b = start(serverInfoAge)) {
			BackendState stateA = a.getBean(BackendState.class);
			BackendState stateB = b.getBean(BackendState.class);
			assertThat(stateA.mode()).isEqualTo(BackendMode.REDIS);
			assertThat(stateA.endpoint().toString()).startsWith("cluster 127.0.0.1:");
			assertThat(name(a)).isEqualTo("Administrator");
			await().atMost(BOUND).until(() -> TestApp.redisHealthDetails(a).containsKey("cluster"));
			Map<String, Object> health = TestApp.redisHealthDetails(a);
			assertThat(health).containsEntry("role", "cluster")
				.containsEntry("version", cluster.servers().get(0).info("redis_version"))
				.containsEntry("evictionPolicy", "noeviction");
			assertThat(cluster(health)).containsEntry("state", "ok")
				.containsEntry("masters", 3)
				.containsEntry("replicas", 3);
			assertThat(nodes(health)).hasSize(6)
				.filteredOn((node) -> node.matches("127\\.0\\.0\\.1:\\d+ master, \\d+ slots"))
				.hasSize(3);
			assertThat(nodes(health)).filteredOn((node) -> node.contains(" replica of 127.0.0.1:")).hasSize(3);

			// Load on both instances throughout: every call must be answered.
			try (BackgroundLoad load = BackgroundLoad.start(List.of(a, b).stream().<IntConsumer>map((app) -> (i) -> {
				app.getBean(RateLimiter.class).tryAcquire("api", "load-" + (i % 50));
				name(app);
			}).toList())) {
				RedisServer master = cluster.masterOf("cache:roles:1:{admin}");
				long killed = System.nanoTime();
				master.kill();
				await().atMost(BOUND)
					.until(() -> stateA.mode() == BackendMode.MEMORY && stateB.mode() == BackendMode.MEMORY);
				Duration toTwins = Duration.ofNanos(System.nanoTime() - killed);
				cluster.awaitHealthy(BOUND);
				Duration promoted = Duration.ofNanos(System.nanoTime() - killed);
				await().atMost(BOUND)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> stateA.mode() == BackendMode.REDIS && stateB.mode() == BackendMode.REDIS);
				Duration back = Duration.ofNanos(System.nanoTime() - killed);
				Thread.sleep(1000);
				List<Throwable> failures = load.stop();
				System.out.printf(
						"cluster failover: twins after %d ms, promoted after %d ms, back after %d ms, %d calls%n",
						toTwins.toMillis(), promoted.toMillis(), back.toMillis(), load.calls());
				assertThat(failures).as("calls answered throughout").isEmpty();
				assertThat(back).as("back on Redis at most a second after the cluster promoted the replica")
					.isLessThanOrEqualTo(promoted.plusSeconds(1));
				assertThat(stateA.mode()).isEqualTo(BackendMode.REDIS);

				// The health component reads the cluster again on the way back.
				String killedNode = "127.0.0.1:" + master.port() + " master, 0 slots, fail";
				await().atMost(BOUND).until(() -> nodes(TestApp.redisHealthDetails(a)).contains(killedNode));
				assertThat(cluster(TestApp.redisHealthDetails(a))).containsEntry("masters", 3)
					.containsEntry("replicas", 2);
			}

			// Exact limits afterwards, across the instances.
			int allowed = 0;
			for (int i = 0; i < 8; i++) {
				Decision decision = ((i % 2 == 0) ? a : b).getBean(RateLimiter.class).tryAcquire("api", "after");
				assertThat(decision.source()).isIn(Decision.Source.REDIS, Decision.Source.DENY_CACHE);
				allowed += decision.allowed() ? 1 : 0;
			}
			assertThat(allowed).isEqualTo(5);

			// No stale role: B holds a near copy, A changes the role and evicts it.
			name(b);
			database.put("admin", "Renamed");
			roles(a).evict("admin");
			await().atMost(Duration.ofSeconds(1)).until(() -> name(b).equals("Renamed"));
			// A whole-cache eviction reaches Redis and every instance, and its sweep
			// (SCAN
			// through the cluster, UNLINK) deletes the entries it made obsolete.
			name(b);
			database.put("admin", "Renamed again");
			assertThat(roles(a).evictAll().reachedRedis()).isTrue();
			await().atMost(Duration.ofSeconds(1)).until(() -> name(b).equals("Renamed again"));
			// Entries are tagged one by one, so the cache spreads over the masters,
			// and the sweep deletes them from every one.
			for (String id : List.of("a", "b", "c", "d", "e", "f")) {
				roles(a).get(id);
			}
			assertThat(cluster.masters().stream().filter((node) -> entries(node) > 0).count()).isGreaterThan(1);
			roles(a).evictAll();
			await().atMost(BOUND)
				.until(() -> cluster.masters().stream().mapToLong(ClusterFailoverTests::entries).sum() == 0);

			// Broadcasts reach the other instance (pub/sub across the cluster's nodes).
			List<String> heard = new CopyOnWriteArrayList<>();
			b.getBean(Broadcaster.class).subscribe("notices", String.class, (channel, text) -> heard.add(text));
			await().atMost(BOUND).until(() -> {
				a.getBean(Broadcaster.class).publish("notices", "after failover");
				return !heard.isEmpty();
			});
		}
		finally {
			if (!cluster.servers().stream().allMatch(RedisServer::isRunning)) {
				cluster.servers().stream().filter((server) -> !server.isRunning()).forEach(RedisServer::start);
				cluster.awaitHealthy(BOUND);
			}
		}
		// One switch line each way per instance, whatever failed meanwhile.
		assertThat(Logs.starterLines(output, "ERROR")).hasSize(2);
		assertThat(Logs.starterLines(output, "INFO").stream().filter((line) -> line.contains("is back"))).hasSize(2);
	}

	@Test
	void aNodeThatRefusesClusterInfoIsAskedForAPingInstead() {
		// As a managed service that blocks CLUSTER INFO, or a user without it: Lettuce
		// still reads the topology (CLUSTER NODES), and the probe falls back to PING.
		for (RedisServer node : cluster.servers()) {
			// Redis 6.2 cannot take one subcommand away: all of CLUSTER goes, and what
			// Lettuce reads the topology with comes back.
			node.command("ACL", "SETUSER", "app", "reset", "on", ">app-pw-16", "~*", "&*", "+@all", "-cluster",
					"+cluster|nodes", "+cluster|slots", "+cluster|myid");
		}
		try (ConfigurableApplicationContext app = start("spring.data.redis.username=app",
				"spring.data.redis.password=app-pw-16", "redis-starter.required=true")) {
			BackendState state = app.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
			await().during(Duration.ofMillis(500)).atMost(BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(app.getBean(RateLimiter.class).tryAcquire("api", "acl-user").source())
				.isEqualTo(Decision.Source.REDIS);
			// The health component tells what it can read: the masters' INFO and the
			// nodes.
			await().atMost(BOUND).until(() -> TestApp.redisHealthDetails(app).containsKey("version"));
			assertThat(cluster(TestApp.redisHealthDetails(app))).containsEntry("masters", 3)
				.hasEntrySatisfying("state", (clusterState) -> assertThat((String) clusterState)
					.startsWith("unknown (permission denied (NOPERM"));
			assertThat(nodes(TestApp.redisHealthDetails(app))).hasSize(6);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> cluster(Map<String, Object> health) {
		return (Map<String, Object>) health.get("cluster");
	}

	@SuppressWarnings("unchecked")
	private static List<String> nodes(Map<String, Object> health) {
		return (List<String>) cluster(health).get("nodes");
	}

	/** The role cache's entries on one node. */
	private static long entries(RedisServer node) {
		return ((List<?>) node.command("KEYS", "cache:roles:1:{*")).size();
	}

	@SuppressWarnings("unchecked")
	private static RoleCache<String> roles(ConfigurableApplicationContext context) {
		return context.getBean(RoleCache.class);
	}

	private static String name(ConfigurableApplicationContext context) {
		return roles(context).get("admin").orElse("<none>");
	}

	@SpringBootConfiguration
	static class Roles {

		@Bean
		RoleLoader<String> roleLoader() {
			return (id) -> Optional.ofNullable(database.get(id));
		}

	}

}
