package io.github.redisstarter.benchmarks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.RateLimiters;
import io.github.redisstarter.ratelimit.RedisRateLimitSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
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
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One rate-limit check against Redis: ours (one EVALSHA of the GCRA script, deny cache
 * on), Bucket4j 8.19 with Lettuce (compare-and-swap), Redisson's RRateLimiter.
 * "distinct": every check on another of {@value #KEYS} keys, each 1000 per second, so
 * every check is allowed. "hot": every check on one key limited to 100 per second, so
 * most are denied, as under a flood.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisRateLimitBenchmark {

	static final int KEYS = 10_000;

	@Param({ "ours", "bucket4j", "redisson" })
	public String impl;

	@Param({ "distinct", "hot" })
	public String keys;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RateLimiter ours;

	private ProxyManager<byte[]> bucket4j;

	private BucketConfiguration bucketConfiguration;

	private RedissonClient redisson;

	private RRateLimiter[] redissonLimiters;

	private String[] keyNames;

	@Setup(Level.Trial)
	public void setUp() {
		long permits = this.keys.equals("hot") ? 100 : 1000;
		this.keyNames = new String[this.keys.equals("hot") ? 1 : KEYS];
		for (int i = 0; i < this.keyNames.length; i++) {
			this.keyNames[i] = "client-" + i;
		}
		switch (this.impl) {
			case "ours" -> {
				this.client = Redis.client();
				this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
				// The limiter alone, without the failover that answers a missed deadline
				// from memory: a long deadline,
				// so that a slow moment of this 2-core machine is measured, not turned
				// into an error.
				this.ours = RateLimiters.onRedis(RateLimits.of(RateLimit.of("api", Band.perSecond(permits))),
						this.connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(5)),
						new RedisRateLimitSettings("rl", null, 10_000));
			}
			case "bucket4j" -> {
				this.client = Redis.client();
				this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
				this.bucket4j = Bucket4jLettuce.casBasedBuilder(this.connection)
					.expirationAfterWrite(
							ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
					.build();
				this.bucketConfiguration = BucketConfiguration.builder()
					.addLimit((limit) -> limit.capacity(permits).refillGreedy(permits, Duration.ofSeconds(1)))
					.build();
			}
			case "redisson" -> {
				Config config = new Config();
				config.useSingleServer().setAddress(Redis.url());
				this.redisson = Redisson.create(config);
				this.redissonLimiters = new RRateLimiter[this.keyNames.length];
				for (int i = 0; i < this.keyNames.length; i++) {
					this.redissonLimiters[i] = this.redisson.getRateLimiter("redisson:" + this.keyNames[i]);
					this.redissonLimiters[i].trySetRate(RateType.OVERALL, permits, Duration.ofSeconds(1));
				}
			}
			default -> throw new IllegalArgumentException("unknown impl " + this.impl);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.connection != null) {
			this.connection.close();
			this.client.shutdown();
		}
		if (this.redisson != null) {
			this.redisson.shutdown();
		}
	}

	@Benchmark
	public boolean check() {
		int key = (this.keyNames.length == 1) ? 0 : ThreadLocalRandom.current().nextInt(this.keyNames.length);
		return switch (this.impl) {
			case "ours" -> this.ours.tryAcquire("api", this.keyNames[key]).allowed();
			case "bucket4j" -> this.bucket4j.builder()
				.build(("bucket4j:" + this.keyNames[key]).getBytes(), () -> this.bucketConfiguration)
				.tryConsume(1);
			default -> this.redissonLimiters[key].tryAcquire();
		};
	}

}
