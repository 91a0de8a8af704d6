package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.autoconfigure.metrics.CacheMetrics;
import io.github.redisstarter.cache.TwoLevelCacheManager;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Spring's cache annotations as an app uses them (@EnableCaching and an annotated
 * service, nothing else), on the starter's CacheManager: two instances sharing Redis,
 * through an outage, and with no Redis configured.
 */
class CacheManagerTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	record Product(String id, String name, List<String> tags) {
	}

	/** The database both instances share. */
	static final Map<String, Product> database = new ConcurrentHashMap<>();

	static final AtomicInteger reads = new AtomicInteger();

	@BeforeEach
	void resetDatabase() {
		database.clear();
		database.put("p1", new Product("p1", "Kettle", List.of("kitchen")));
		database.put("p2", new Product("p2", "Lamp", List.of("light")));
		reads.set(0);
	}

	private static ConfigurableApplicationContext start(String... settings) {
		List<String> args = new ArrayList<>(
				List.of("--spring.data.redis.url=" + redis.server().url(), "--spring.data.redis.timeout=300ms",
						"--redis-starter.ping-timeout=300ms", "--redis-starter.ping-interval=100ms"));
		for (String setting : settings) {
			args.add("--" + setting);
		}
		return app(args);
	}

	private static ConfigurableApplicationContext app(List<String> args) {
		List<String> all = new ArrayList<>(args);
		all.add("--spring.main.banner-mode=off");
		return new SpringApplicationBuilder(TestApp.class, Caching.class).web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of()))
			.run(all.toArray(String[]::new));
	}

	private static Products products(ConfigurableApplicationContext context) {
		return context.getBean(Products.class);
	}

	@Test
	void annotationsUseTheTwoLevelCachesAndAnEvictionIsSeenByTheOtherInstanceAtOnce() {
		try (ConfigurableApplicationContext a = start("redis-starter.cache.caches.products.ttl=90s");
				ConfigurableApplicationContext b = start()) {
			assertThat(a.getBean(CacheManager.class)).isInstanceOf(TwoLevelCacheManager.class);
			assertThat(products(a).byId("p1")).map(Product::name).contains("Kettle");
			// B reads what A stored, as JSON of the method's declared type.
			assertThat(products(b).byId("p1")).map(Product::name).contains("Kettle");
			assertThat(reads).hasValue(1);
			assertThat((String) redis.server().command("GET", "cache:products:1:{p1}")).endsWith(
					" " + Product.class.getName() + "\n{\"id\":\"p1\",\"name\":\"Kettle\",\"tags\":[\"kitchen\"]}");
			// The cache's own settings: 90 s less up to 10% of jitter.
			assertThat((Long) redis.server().command("PTTL", "cache:products:1:{p1}")).isBetween(80_000L, 90_000L);
			// B keeps a near copy once its subscription is live.
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				products(b).byId("p1");
				return l1Hits(b, "products") > 0;
			});

			database.put("p1", new Product("p1", "Renamed", List.of()));
			products(a).evict("p1");
			assertThat(products(b).byId("p1")).map(Product::name).contains("Renamed");

			// A put replaces the value in every instance.
			products(a).rename("p1", "Put by A");
			assertThat(products(b).byId("p1")).map(Product::name).contains("Put by A");

			// @Caching evicts from two caches at once, and allEntries clears a cache.
			assertThat(products(b).tagged("kitchen")).isEmpty();
			database.put("p3", new Product("p3", "Pan", List.of("kitchen")));
			products(a).added();
			assertThat(products(b).tagged("kitchen")).extracting(Product::name).containsExactly("Pan");
		}
	}

	@Test
	void valuesComeBackAsTheMethodsDeclaredTypes() {
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			assertThat(products(a).tagged("light")).extracting(Product::name).containsExactly("Lamp");
			assertThat(products(a).count()).isEqualTo(2L);
			assertThat(products(a).byId("none")).isEmpty();
			assertThat(products(a).anything("p2")).isInstanceOf(Product.class);
			assertThat(a.getBean(ProductRepository.class).all()).hasSize(2);
			int before = reads.get();
			// Read by B from Redis: a List<Product> (not a list of maps), a long (not an
			// int), an Optional of nothing.
			List<Product> light = products(b).tagged("light");
			assertThat(light.get(0)).isInstanceOf(Product.class);
			assertThat(products(b).count()).isEqualTo(2L);
			assertThat(products(b).byId("none")).isEmpty();
			// Declared in a generic superclass: List<T> with T bound by the subclass.
			assertThat(b.getBean(ProductRepository.class).all())
				.allSatisfy((p) -> assertThat(p).isInstanceOf(Product.class));
			// Declared as Object: stored as the value's own class.
			assertThat(products(b).anything("p2")).isEqualTo(database.get("p2"));
			assertThat(reads).hasValue(before);
		}
	}

	@Test
	void aValueOfAnUntrustedTypeIsRefusedNamingTheProperty() {
		try (ConfigurableApplicationContext a = start()) {
			assertThatIllegalArgumentException().isThrownBy(() -> products(a).untrusted())
				.withMessageContaining("cannot keep a value of type java.lang.Thread$State")
				.withMessageContaining("redis-starter.cache.trusted-packages");
		}
		try (ConfigurableApplicationContext a = start("redis-starter.cache.trusted-packages=java.lang")) {
			assertThat(products(a).untrusted()).isEqualTo(Thread.State.NEW);
		}
	}

	@Test
	void aListOfAnUnboundTypeVariableIsRefusedNamingTheFix() {
		try (ConfigurableApplicationContext a = app(List.of())) {
			assertThatIllegalArgumentException().isThrownBy(() -> a.getBean(UnboundRepository.class).all())
				.withMessageContaining("cannot keep a value declared as java.util.List<?>")
				.withMessageContaining("declare the element type");
		}
	}

	@Test
	void anEvictionDuringAnOutageIsNeverHiddenByTheOldValueAfterwards() {
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			BackendState stateA = a.getBean(BackendState.class);
			BackendState stateB = b.getBean(BackendState.class);
			assertThat(products(a).byId("p1")).map(Product::name).contains("Kettle");
			assertThat(products(b).byId("p1")).map(Product::name).contains("Kettle");
			redis.server().pause();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> stateA.mode() == BackendMode.MEMORY && stateB.mode() == BackendMode.MEMORY);
				database.put("p1", new Product("p1", "Changed during the outage", List.of()));
				products(a).evict("p1");
				for (int i = 0; i < 3; i++) {
					assertThat(products(a).byId("p1")).map(Product::name).contains("Changed during the outage");
					assertThat(products(b).byId("p1")).map(Product::name).contains("Changed during the outage");
				}
			}
			finally {
				redis.server().resume();
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> stateA.mode() == BackendMode.REDIS && stateB.mode() == BackendMode.REDIS);
			long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
			while (System.nanoTime() < deadline) {
				assertThat(products(a).byId("p1")).map(Product::name).contains("Changed during the outage");
				assertThat(products(b).byId("p1")).map(Product::name).contains("Changed during the outage");
			}
		}
	}

	@Test
	void withoutRedisConfiguredTheAnnotationsUseTheTwins() {
		try (ConfigurableApplicationContext context = app(List.of())) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(TwoLevelCacheManager.class);
			for (int i = 0; i < 3; i++) {
				assertThat(products(context).byId("p1")).map(Product::name).contains("Kettle");
			}
			assertThat(reads).hasValue(1);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get(CacheMetrics.LOADS).tags("cache", "products").counter().count()).isEqualTo(1);
		}
	}

	@Test
	void theAppsOwnCacheManagerOrCacheTypeWins() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class, Caching.class,
				OwnCacheManager.class)
			.web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of()))
			.run("--spring.main.banner-mode=off")) {
			assertThat(context.getBean(CacheManager.class)).isSameAs(OwnCacheManager.manager);
		}
		try (ConfigurableApplicationContext context = app(List.of("--spring.cache.type=simple"))) {
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
		}
		try (ConfigurableApplicationContext context = app(
				List.of("--redis-starter.cache.cache-manager.enabled=false", "--spring.cache.type=none"))) {
			assertThat(context.getBeansOfType(TwoLevelCacheManager.class)).isEmpty();
		}
	}

	private static double l1Hits(ConfigurableApplicationContext context, String cache) {
		return context.getBean(MeterRegistry.class)
			.get(CacheMetrics.GETS)
			.tags("cache", cache, "level", "l1", "result", "hit")
			.counter()
			.count();
	}

	/** What an app adds: @EnableCaching and its annotated service. */
	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

		@Bean
		Products products() {
			return new Products();
		}

		@Bean
		ProductRepository productRepository() {
			return new ProductRepository();
		}

		@Bean
		UnboundRepository<Product> unboundRepository() {
			return new UnboundRepository<>();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		static final CacheManager manager = new ConcurrentMapCacheManager();

		@Bean
		CacheManager cacheManager() {
			return manager;
		}

	}

	/** A generic base, as Spring Data's repositories are. */
	abstract static class Repository<T> {

		@Cacheable(cacheNames = "all", key = "#root.targetClass.simpleName")
		public List<T> all() {
			reads.incrementAndGet();
			return rows();
		}

		abstract List<T> rows();

	}

	static class ProductRepository extends Repository<Product> {

		@Override
		List<Product> rows() {
			return List.copyOf(database.values());
		}

	}

	/** Its class leaves T open: its elements could not be read back as what they are. */
	static class UnboundRepository<T> extends Repository<T> {

		@Override
		@SuppressWarnings("unchecked")
		List<T> rows() {
			return (List<T>) List.copyOf(database.values());
		}

	}

	/** An app's service over its database, cached with Spring's annotations. */
	static class Products {

		@Cacheable("products")
		public Optional<Product> byId(String id) {
			reads.incrementAndGet();
			return Optional.ofNullable(database.get(id));
		}

		@Cacheable("tags")
		public List<Product> tagged(String tag) {
			reads.incrementAndGet();
			return database.values().stream().filter((p) -> p.tags().contains(tag)).toList();
		}

		@Cacheable(cacheNames = "counts", key = "'all'", sync = true)
		public long count() {
			reads.incrementAndGet();
			return database.size();
		}

		@Cacheable("anything")
		public Object anything(String id) {
			reads.incrementAndGet();
			return database.get(id);
		}

		@Cacheable(cacheNames = "states", key = "'one'")
		public Thread.State untrusted() {
			return Thread.State.NEW;
		}

		@CacheEvict("products")
		public void evict(String id) {
		}

		@CachePut(cacheNames = "products", key = "#id")
		public Optional<Product> rename(String id, String name) {
			Product renamed = new Product(id, name, database.get(id).tags());
			database.put(id, renamed);
			return Optional.of(renamed);
		}

		@org.springframework.cache.annotation.Caching(evict = { @CacheEvict(cacheNames = "tags", allEntries = true),
				@CacheEvict(cacheNames = "counts", allEntries = true) })
		public void added() {
		}

	}

}
