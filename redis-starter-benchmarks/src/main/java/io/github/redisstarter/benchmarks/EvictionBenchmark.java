package io.github.redisstarter.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.redisstarter.benchmarks.CacheBenchmark.Role;
import io.github.redisstarter.cache.CacheObserver;
import io.github.redisstarter.cache.CacheSettings;
import io.github.redisstarter.cache.Eviction;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.internal.RedisCalls;
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
 * What an update costs its caller: one eviction, by an instance whose cache a second
 * instance shares (both subscribed). "acknowledged": ours, returning once both instances
 * dropped their copies; "published": ours with {@code acknowledge-evictions=false},
 * returning once Redis took it; "del-publish": a bare Lettuce DEL and PUBLISH, what a
 * plain two-level cache does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EvictionBenchmark {

	@Param({ "acknowledged", "published", "del-publish" })
	public String impl;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisSubscriber evicting;

	private RedisSubscriber other;

	private TwoLevelCache<Role> cache;

	private final AtomicLong next = new AtomicLong();

	@Setup(Level.Trial)
	public void setUp() throws InterruptedException {
		this.client = Redis.client();
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		if (this.impl.equals("del-publish")) {
			return;
		}
		CacheSettings settings = CacheSettings.defaults().withAcknowledgeEvictions(this.impl.equals("acknowledged"));
		this.evicting = new RedisSubscriber(() -> this.client.connectPubSub(StringCodec.UTF8), Secrets.none());
		this.other = new RedisSubscriber(() -> this.client.connectPubSub(StringCodec.UTF8), Secrets.none());
		this.cache = instance(this.evicting, settings);
		TwoLevelCache<Role> second = instance(this.other, settings);
		// Both subscriptions live (near copies kept), so that every eviction reaches
		// both.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while ((near(this.cache) == 0 || near(second) == 0) && System.nanoTime() < deadline) {
			this.cache.get("role");
			second.get("role");
			Thread.sleep(10);
		}
	}

	/** Each instance's factory, which tells how many near copies its cache holds. */
	private final java.util.Map<TwoLevelCache<Role>, TwoLevelCacheFactory> factories = new java.util.IdentityHashMap<>();

	private TwoLevelCache<Role> instance(RedisSubscriber subscriber, CacheSettings settings) {
		TwoLevelCacheFactory factory = new TwoLevelCacheFactory(new DefaultFailover(Redis.onRedis()),
				this.connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(2)), subscriber,
				JsonMapper.builder().build(), CacheObserver.NONE, "bench", (name) -> settings);
		TwoLevelCache<Role> cache = factory.create("evictions-" + this.impl, Role.class,
				(id) -> Optional.of(CacheBenchmark.ADMIN));
		this.factories.put(cache, factory);
		return cache;
	}

	private long near(TwoLevelCache<Role> cache) {
		return this.factories.get(cache).nearSize(cache.name());
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.evicting != null) {
			this.evicting.close();
			this.other.close();
		}
		this.connection.close();
		this.client.shutdown();
	}

	@Benchmark
	public Object evict() {
		String id = "role-" + (this.next.incrementAndGet() % 1000);
		if (this.cache == null) {
			byte[] key = ("bench:plain:" + id).getBytes(StandardCharsets.UTF_8);
			this.connection.sync().del(key);
			return this.connection.sync().publish("bench:plain:invalidations".getBytes(StandardCharsets.UTF_8), key);
		}
		Eviction eviction = this.cache.evict(id);
		if (eviction == Eviction.PENDING) {
			throw new IllegalStateException("an eviction did not reach Redis");
		}
		return eviction;
	}

}
