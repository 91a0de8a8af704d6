package io.github.redisstarter.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.cache.CacheObserver;
import io.github.redisstarter.cache.CacheSettings;
import io.github.redisstarter.cache.CachedMethodScope;
import io.github.redisstarter.cache.TwoLevelCacheManager;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.cache.interceptor.CacheInterceptor;

/**
 * One read of a cached role. "ours-l1": a near-cache hit of our cache (on Redis,
 * subscription live) against "caffeine": a bare Caffeine getIfPresent. "annotated": a
 * call of an {@code @Cacheable} method served by a near-cache hit of the starter's
 * {@link TwoLevelCacheManager} (through Spring's cache interceptor and the starter's
 * {@link CachedMethodScope}, as an app's proxy calls it) against "caffeine-annotated":
 * the same method on Spring's own {@link CaffeineCacheManager}. "ours-l2": a Redis hit of
 * our cache (its subscription kept down, so that every read goes to Redis) against
 * "get-decode": a bare Lettuce GET plus the JSON decode. Each benchmark thread reads its
 * own id, so that at 16 threads single-flight cannot merge the reads of several threads
 * into one Redis call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheBenchmark {

	/** A role, as an app would cache it. */
	public record Role(String id, String name, List<String> permissions) {
	}

	static final Role ADMIN = new Role("admin", "Administrator", List.of("users:read", "users:write", "roles:write"));

	@Param({ "ours-l1", "caffeine", "annotated", "caffeine-annotated", "ours-l2", "get-decode" })
	public String impl;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisSubscriber subscriber;

	private TwoLevelCache<Role> ours;

	private Cache<String, Role> caffeine;

	private JsonMapper mapper;

	private Roles annotated;

	/** An app's service whose reads Spring's cache annotations serve. */
	public interface Roles {

		Role read(String id);

	}

	static final class RoleService implements Roles {

		/** How often a read was not served by the cache. */
		static final AtomicInteger computed = new AtomicInteger();

		@Override
		@Cacheable("roles")
		public Role read(String id) {
			computed.incrementAndGet();
			return ADMIN;
		}

	}

	/**
	 * The service as the app's context proxies it: {@code cache} behind the annotation.
	 */
	static Roles cached(org.springframework.cache.Cache cache, boolean withScope) {
		CacheInterceptor interceptor = new CacheInterceptor();
		interceptor.setCacheOperationSource(new AnnotationCacheOperationSource(false));
		interceptor.setCacheResolver((context) -> List.of(cache));
		interceptor.afterSingletonsInstantiated();
		ProxyFactory proxy = new ProxyFactory(new RoleService());
		proxy.addInterface(Roles.class);
		if (withScope) {
			proxy.addAdvice(new CachedMethodScope());
		}
		proxy.addAdvice(interceptor);
		return (Roles) proxy.getProxy();
	}

	/** More ids than benchmark threads: each thread gets one of its own. */
	static final int IDS = 64;

	private final AtomicInteger nextReader = new AtomicInteger();

	/** The id one benchmark thread reads, the same on every call. */
	@State(Scope.Thread)
	public static class Reader {

		String id;

		byte[] plainKey;

		@Setup(Level.Trial)
		public void setUp(CacheBenchmark benchmark) {
			this.id = roleId(benchmark.nextReader.getAndIncrement() % IDS);
			this.plainKey = plainKey(this.id);
		}

	}

	static String roleId(int index) {
		return "role-" + index;
	}

	static byte[] plainKey(String id) {
		return ("bench:plain:" + id).getBytes(StandardCharsets.UTF_8);
	}

	@Setup(Level.Trial)
	public void setUp() throws InterruptedException {
		this.mapper = JsonMapper.builder().build();
		this.client = Redis.client();
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		switch (this.impl) {
			case "ours-l1", "ours-l2" -> {
				boolean near = this.impl.equals("ours-l1");
				this.subscriber = new RedisSubscriber(near ? () -> this.client.connectPubSub(StringCodec.UTF8) : () -> {
					throw new IllegalStateException("kept down: every read goes to Redis");
				}, Secrets.none());
				CacheSettings settings = CacheSettings.defaults();
				TwoLevelCacheFactory caches = new TwoLevelCacheFactory(new DefaultFailover(Redis.onRedis()),
						this.connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(2)), this.subscriber,
						this.mapper, CacheObserver.NONE, "bench", (name) -> settings);
				this.ours = caches.create("roles-" + this.impl, Role.class, (id) -> Optional.of(ADMIN));
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				// Near copies are kept once the invalidation subscription is live.
				while (near && caches.nearSize(this.ours.name()) == 0 && System.nanoTime() < deadline) {
					this.ours.get(roleId(0));
					Thread.sleep(10);
				}
				for (int i = 0; i < IDS; i++) {
					this.ours.get(roleId(i));
				}
			}
			case "annotated" -> {
				this.subscriber = new RedisSubscriber(() -> this.client.connectPubSub(StringCodec.UTF8),
						Secrets.none());
				CacheSettings settings = CacheSettings.defaults();
				TwoLevelCacheFactory caches = new TwoLevelCacheFactory(new DefaultFailover(Redis.onRedis()),
						this.connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(2)), this.subscriber,
						this.mapper, CacheObserver.NONE, "bench", (name) -> settings);
				TwoLevelCacheManager manager = new TwoLevelCacheManager(caches,
						List.of(CacheBenchmark.class.getPackageName()), true, List.of());
				this.annotated = cached(manager.getCache("roles-annotated"), true);
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (caches.nearSize("roles-annotated") == 0 && System.nanoTime() < deadline) {
					manager.getCache("roles-annotated").evict(roleId(0));
					this.annotated.read(roleId(0));
					Thread.sleep(10);
				}
				for (int i = 0; i < IDS; i++) {
					this.annotated.read(roleId(i));
				}
			}
			case "caffeine-annotated" -> {
				CaffeineCacheManager manager = new CaffeineCacheManager();
				manager.setCaffeine(Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)));
				this.annotated = cached(manager.getCache("roles"), false);
				for (int i = 0; i < IDS; i++) {
					this.annotated.read(roleId(i));
				}
			}
			case "caffeine" -> {
				this.caffeine = Caffeine.newBuilder()
					.maximumSize(10_000)
					.expireAfterWrite(Duration.ofMinutes(1))
					.build();
				for (int i = 0; i < IDS; i++) {
					this.caffeine.put(roleId(i), ADMIN);
				}
			}
			case "get-decode" -> {
				byte[] json = this.mapper.writeValueAsBytes(ADMIN);
				for (int i = 0; i < IDS; i++) {
					this.connection.sync().set(plainKey(roleId(i)), json);
				}
			}
			default -> throw new IllegalArgumentException("unknown impl " + this.impl);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.subscriber != null) {
			this.subscriber.close();
		}
		this.connection.close();
		this.client.shutdown();
	}

	@Benchmark
	public Object read(Reader reader) {
		return switch (this.impl) {
			case "ours-l1", "ours-l2" -> this.ours.get(reader.id).orElseThrow();
			case "caffeine" -> this.caffeine.getIfPresent(reader.id);
			case "annotated", "caffeine-annotated" -> this.annotated.read(reader.id);
			default -> this.mapper.readValue(this.connection.sync().get(reader.plainKey), Role.class);
		};
	}

}
