package io.github.redisstarter.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.cache.CacheObserver;
import io.github.redisstarter.cache.CacheSettings;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.RateLimiters;
import io.github.redisstarter.ratelimit.RedisRateLimitSettings;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import tools.jackson.databind.json.JsonMapper;

/**
 * What JMH does not time: Redis memory per idle key of each limiter, and loader calls for
 * a cold key under 16 readers.
 */
final class Extras {

	private final String url;

	Extras(String url) {
		this.url = url;
	}

	/**
	 * @param redisVersion the server's version
	 * @param oursBytes, bucket4jBytes, redissonBytes MEMORY USAGE of what one idle key of
	 * a 1000-per-hour limit keeps
	 * @param coldKeyLoads loader calls when 16 threads read one cold key at once
	 */
	record Measured(String redisVersion, long oursBytes, long bucket4jBytes, long redissonBytes, int coldKeyLoads) {
	}

	Measured measure() {
		System.setProperty(Redis.URL_PROPERTY, this.url);
		RedisClient client = Redis.client();
		try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
				StatefulRedisConnection<String, String> text = client.connect(StringCodec.UTF8)) {
			String info = text.sync().info("server");
			String version = info.lines()
				.filter((l) -> l.startsWith("redis_version:"))
				.findFirst()
				.orElse("?")
				.substring(14);

			RateLimiter ours = RateLimiters.onRedis(RateLimits.of(RateLimit.of("api", Band.perHour(1000))),
					connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(5)),
					new RedisRateLimitSettings("rl", null, 10_000));
			ours.tryAcquire("api", "memory-probe");
			long oursBytes = usage(text, "rl:{api:memory-probe}*");

			BucketConfiguration configuration = BucketConfiguration.builder()
				.addLimit((limit) -> limit.capacity(1000).refillGreedy(1000, Duration.ofHours(1)))
				.build();
			Bucket4jLettuce.casBasedBuilder(connection)
				.expirationAfterWrite(
						ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
				.build()
				.builder()
				.build("bucket4j:memory-probe".getBytes(), () -> configuration)
				.tryConsume(1);
			long bucket4jBytes = usage(text, "bucket4j:memory-probe*");

			Config config = new Config();
			config.useSingleServer().setAddress(this.url);
			RedissonClient redisson = Redisson.create(config);
			try {
				RRateLimiter limiter = redisson.getRateLimiter("redisson:memory-probe");
				limiter.trySetRate(RateType.OVERALL, 1000, Duration.ofHours(1));
				limiter.tryAcquire();
			}
			finally {
				redisson.shutdown();
			}
			long redissonBytes = usage(text, "*redisson:memory-probe*");
			return new Measured(version, oursBytes, bucket4jBytes, redissonBytes, coldKeyLoads(client, connection));
		}
		finally {
			client.shutdown();
		}
	}

	/** The sum of MEMORY USAGE over the keys that match. */
	private static long usage(StatefulRedisConnection<String, String> text, String pattern) {
		long total = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<String> batch = text.sync().scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
			for (String key : batch.getKeys()) {
				Long bytes = text.sync().memoryUsage(key);
				total += (bytes != null) ? bytes : 0;
			}
			cursor = batch;
		}
		while (!cursor.isFinished());
		return total;
	}

	private static int coldKeyLoads(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection) {
		AtomicInteger loads = new AtomicInteger();
		RedisSubscriber subscriber = new RedisSubscriber(() -> client.connectPubSub(StringCodec.UTF8), Secrets.none());
		String name = "cold-" + System.nanoTime();
		TwoLevelCache<String> cache = new TwoLevelCacheFactory(new DefaultFailover(Redis.onRedis()), connection::async,
				RedisCalls.withFixedDeadline(Duration.ofSeconds(2)), subscriber, JsonMapper.builder().build(),
				CacheObserver.NONE, "bench", (cacheName) -> CacheSettings.defaults())
			.create(name, String.class, (id) -> {
				loads.incrementAndGet();
				sleep(100);
				return Optional.of("value of " + id);
			});
		// As in a running app: callers share loads once the invalidation subscription is
		// live.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!subscriber.isLive("bench:{" + name + ":1}:invalidations") && System.nanoTime() < deadline) {
			sleep(10);
		}
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> readers = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				readers.add(pool.submit(() -> {
					start.await();
					return cache.get("cold").orElseThrow();
				}));
			}
			start.countDown();
			for (Future<?> reader : readers) {
				reader.get(30, TimeUnit.SECONDS);
			}
			return loads.get();
		}
		catch (Exception ex) {
			throw new IllegalStateException("cold-key readers failed", ex);
		}
		finally {
			pool.shutdownNow();
			subscriber.close();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
