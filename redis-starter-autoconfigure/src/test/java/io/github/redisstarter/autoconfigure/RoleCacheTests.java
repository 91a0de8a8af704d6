package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.autoconfigure.metrics.CacheMetrics;
import io.github.redisstarter.cache.RoleCache;
import io.github.redisstarter.cache.RoleLoader;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The RoleCache as apps get it: two instances sharing Redis and one database, across
 * evictions and outages.
 */
class RoleCacheTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	record Role(String id, String name, List<String> permissions) {
	}

	/** The database both instances share. */
	static final Map<String, Role> database = new ConcurrentHashMap<>();

	static final AtomicInteger loads = new AtomicInteger();

	private static ConfigurableApplicationContext start(String... settings) {
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.url=" + redis.server().url(),
				"--spring.data.redis.timeout=300ms", "--redis-starter.ping-timeout=300ms",
				"--redis-starter.ping-interval=100ms", "--spring.main.banner-mode=off"));
		for (String setting : settings) {
			args.add("--" + setting);
		}
		return new SpringApplicationBuilder(TestApp.class, Loader.class).web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of()))
			.run(args.toArray(String[]::new));
	}

	private static void resetDatabase() {
		database.clear();
		database.put("admin", new Role("admin", "Administrator", List.of("roles:write")));
		database.put("viewer", new Role("viewer", "Viewer", List.of("roles:read")));
		loads.set(0);
	}

	/** The cache as an app's own bean gets it: injected as RoleCache&lt;Role&gt;. */
	private static RoleCache<Role> roles(ConfigurableApplicationContext context) {
		return context.getBean(RoleService.class).roles;
	}

	private static String name(ConfigurableApplicationContext context, String id) {
		return roles(context).get(id).map(Role::name).orElse("<none>");
	}

	@Test
	void theRoleCacheReadsThroughRedisAsJsonOfTheAppsType() {
		resetDatabase();
		try (ConfigurableApplicationContext context = start()) {
			RoleCache<Role> roles = roles(context);
			assertThat(roles.get("admin")).contains(database.get("admin"));
			assertThat(roles.get("ghost")).isEmpty();
			assertThat((String) redis.server().command("GET", "cache:roles:1:{admin}"))
				.endsWith(" {\"id\":\"admin\",\"name\":\"Administrator\",\"permissions\":[\"roles:write\"]}");
			long ttl = (Long) redis.server().command("PTTL", "cache:roles:1:{admin}");
			// 5 minutes, shortened by up to 10% of jitter.
			assertThat(ttl).isBetween(Duration.ofSeconds(269).toMillis(), Duration.ofMinutes(5).toMillis());
			assertThat((Long) redis.server().command("PTTL", "cache:roles:1:{ghost}")).isLessThanOrEqualTo(30_000L);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get(CacheMetrics.LOADS).tags("cache", "roles", "result", "found").counter().count())
				.isEqualTo(1);
			assertThat(meters.get(CacheMetrics.GETS)
				.tags("cache", "roles", "level", "l2", "result", "miss")
				.counter()
				.count()).isEqualTo(2);
		}
	}

	@Test
	void anEvictionOnOneInstanceIsSeenByTheOtherAtOnce() {
		resetDatabase();
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			assertThat(name(a, "admin")).isEqualTo("Administrator");
			// B fills its near cache (once its invalidation subscription is up).
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				name(b, "admin");
				return b.getBean(MeterRegistry.class)
					.get(CacheMetrics.GETS)
					.tags("cache", "roles", "level", "l1", "result", "hit")
					.counter()
					.count() > 0;
			});
			database.put("admin", new Role("admin", "Renamed", List.of()));
			roles(a).evict("admin");
			await().atMost(Duration.ofSeconds(1)).until(() -> name(b, "admin").equals("Renamed"));
			assertThat(name(a, "admin")).isEqualTo("Renamed");
		}
	}

	@Test
	void anUpdateDuringAnOutageIsNeverHiddenByTheOldValueAfterwards() {
		resetDatabase();
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			BackendState stateA = a.getBean(BackendState.class);
			BackendState stateB = b.getBean(BackendState.class);
			assertThat(name(a, "admin")).isEqualTo("Administrator");
			assertThat(name(b, "admin")).isEqualTo("Administrator");

			// A hung Redis keeps its data: the old role is still in it when it wakes up.
			hangUntilBothAreOnTheTwins(stateA, stateB, () -> {
				database.put("admin", new Role("admin", "Changed during the outage", List.of()));
				roles(a).evict("admin");
				for (int i = 0; i < 5; i++) {
					assertThat(name(a, "admin")).isEqualTo("Changed during the outage");
					assertThat(name(b, "admin")).isEqualTo("Changed during the outage");
				}
			});
			assertThat(((String) redis.server().command("GET", "cache:roles:1:{admin}"))).contains("Administrator");
			awaitBothOnRedis(stateA, stateB);
			// A, whose eviction did not reach Redis, invalidates the shared cache before
			// it reads it again; from then
			// on neither instance serves the old role.
			long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
			while (System.nanoTime() < deadline) {
				assertThat(name(a, "admin")).isEqualTo("Changed during the outage");
				assertThat(name(b, "admin")).isEqualTo("Changed during the outage");
			}
			assertThat(((String) redis.server().command("GET", "cache:roles:1:{admin}"))).contains("Changed");
		}
	}

	@Test
	void aBlipWithoutEvictionsCostsOnlyTheNearCopiesNotTheSharedCache() {
		resetDatabase();
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			BackendState stateA = a.getBean(BackendState.class);
			BackendState stateB = b.getBean(BackendState.class);
			assertThat(name(a, "admin")).isEqualTo("Administrator");
			assertThat(name(b, "admin")).isEqualTo("Administrator");
			assertThat(loads).as("one load, shared through Redis").hasValue(1);

			hangUntilBothAreOnTheTwins(stateA, stateB, () -> {
			});
			awaitBothOnRedis(stateA, stateB);
			assertThat(name(a, "admin")).isEqualTo("Administrator");
			assertThat(name(b, "admin")).isEqualTo("Administrator");
			assertThat(loads).as("nobody evicted anything meanwhile: the shared cache still serves both").hasValue(1);
		}
	}

	/**
	 * Freezes Redis until both instances run on their twins, runs {@code meanwhile}, then
	 * lets Redis go on.
	 */
	private static void hangUntilBothAreOnTheTwins(BackendState a, BackendState b, Runnable meanwhile) {
		redis.server().pause();
		try {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> a.mode() == BackendMode.MEMORY && b.mode() == BackendMode.MEMORY);
			meanwhile.run();
		}
		finally {
			redis.server().resume();
		}
	}

	private static void awaitBothOnRedis(BackendState a, BackendState b) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> a.mode() == BackendMode.REDIS && b.mode() == BackendMode.REDIS);
	}

	@Test
	void withoutRedisTheCacheKeepsValuesInMemoryForTheFullTtl() {
		resetDatabase();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class, Loader.class)
			.web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of()))
			.run("--spring.main.banner-mode=off")) {
			RoleCache<Role> roles = roles(context);
			for (int i = 0; i < 5; i++) {
				assertThat(roles.get("admin")).isPresent();
			}
			assertThat(loads).hasValue(1);
		}
	}

	@Test
	void moreCachesAreOneCallAndSettingsArePerCache() {
		resetDatabase();
		try (ConfigurableApplicationContext context = start("redis-starter.cache.caches.permissions.ttl=90s",
				"redis-starter.cache.caches.permissions.version=7")) {
			TwoLevelCache<Role> permissions = context.getBean(TwoLevelCacheFactory.class)
				.create("permissions", Role.class, (id) -> Optional.ofNullable(database.get(id)));
			assertThat(permissions.get("viewer")).isPresent();
			assertThat((Long) redis.server().command("PTTL", "cache:permissions:7:{viewer}")).isBetween(80_000L,
					90_000L);
		}
	}

	@Test
	void badSettingsStopStartupNamingTheProperty() {
		assertThatThrownBy(() -> start("redis-starter.cache.caches.roles.negative-ttl=0s"))
			.hasRootCauseInstanceOf(InvalidRedisSettingException.class)
			.hasStackTraceContaining("redis-starter.cache.caches.roles.negative-ttl");
		assertThatThrownBy(() -> start("redis-starter.cache.ttl-jitter=1.5"))
			.hasStackTraceContaining("redis-starter.cache.ttl-jitter");
	}

	/** An app bean that injects the cache by its generic type. */
	static class RoleService {

		final RoleCache<Role> roles;

		RoleService(RoleCache<Role> roles) {
			this.roles = roles;
		}

	}

	@SpringBootConfiguration
	static class Loader {

		@Bean
		RoleService roleService(RoleCache<Role> roles) {
			return new RoleService(roles);
		}

		@Bean
		RoleLoader<Role> roleLoader() {
			return (id) -> {
				loads.incrementAndGet();
				return Optional.ofNullable(database.get(id));
			};
		}

	}

}
