package io.github.redisstarter.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimiters;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One in-memory check on one key, limits so high that every check is allowed (the fast
 * path): ours, Bucket4j's local bucket, Resilience4j's RateLimiter, Guava's RateLimiter.
 * The three peers check one limiter object that the caller holds; ours finds the key's
 * state by its name first, as an app limiting per client must. "bucket4j-per-key" is
 * Bucket4j used that way (a bucket per key in a Caffeine cache bounded and expiring like
 * ours), to show what the lookup costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InMemoryRateLimitBenchmark {

	static final long RATE = 1_000_000_000L;

	@Param({ "ours", "bucket4j", "bucket4j-per-key", "resilience4j", "guava" })
	public String impl;

	private io.github.redisstarter.ratelimit.RateLimiter ours;

	private Bucket bucket;

	private Cache<String, Bucket> bucketsPerKey;

	private io.github.resilience4j.ratelimiter.RateLimiter resilience4j;

	private com.google.common.util.concurrent.RateLimiter guava;

	@Setup(Level.Trial)
	public void setUp() {
		this.ours = RateLimiters.inMemory(RateLimits.of(RateLimit.of("api", Band.perSecond(RATE))));
		this.bucket = newBucket();
		this.bucketsPerKey = Caffeine.newBuilder()
			.expireAfterAccess(Duration.ofSeconds(1))
			.maximumSize(100_000)
			.executor(Runnable::run)
			.build();
		this.resilience4j = io.github.resilience4j.ratelimiter.RateLimiter.of("api",
				RateLimiterConfig.custom()
					.limitForPeriod((int) RATE)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ZERO)
					.build());
		this.guava = com.google.common.util.concurrent.RateLimiter.create(RATE);
	}

	private static Bucket newBucket() {
		return Bucket.builder()
			.addLimit((limit) -> limit.capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)))
			.build();
	}

	@Benchmark
	public boolean check() {
		return switch (this.impl) {
			case "ours" -> this.ours.tryAcquire("api", "one-key").allowed();
			case "bucket4j" -> this.bucket.tryConsume(1);
			case "bucket4j-per-key" -> this.bucketsPerKey.get("one-key", (key) -> newBucket()).tryConsume(1);
			case "resilience4j" -> this.resilience4j.acquirePermission();
			default -> this.guava.tryAcquire();
		};
	}

}
