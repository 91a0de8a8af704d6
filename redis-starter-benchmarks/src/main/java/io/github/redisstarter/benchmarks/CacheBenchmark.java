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

/**
 * One read of a cached role. "ours-l1": a near-cache hit of our cache (on Redis,
 * subscription live) against "caffeine": a bare Caffeine getIfPresent. "ours-l2": a Redis
 * hit of our cache (its subscription kept down, so that every read goes to Redis) against
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

	@Param({ "ours-l1", "caffeine", "ours-l2", "get-decode" })
	public String impl;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisSubscriber subscriber;

	private TwoLevelCache<Role> ours;

	private Cache<String, Role> caffeine;

	private JsonMapper mapper;

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
			default -> this.mapper.readValue(this.connection.sync().get(reader.plainKey), Role.class);
		};
	}

}
