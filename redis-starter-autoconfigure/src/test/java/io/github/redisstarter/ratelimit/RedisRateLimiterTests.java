package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.test.RedisServerExtension;
import io.github.redisstarter.connection.RedisDeadlineMissedException;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The contract on the Redis limiter, and what only Redis has: the script, its keys, their
 * expiry, the deny cache.
 */
class RedisRateLimiterTests extends RateLimiterContract {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	/**
	 * A deadline no busy test machine reaches: these tests are about the script, not
	 * about slowness.
	 */
	private static final RedisCalls PATIENT = RedisCalls.withFixedDeadline(Duration.ofSeconds(5));

	@Override
	protected RateLimiter create(RateLimits limits, ManualClock clock) {
		// The caller's clock and no deny cache: the contract drives time itself.
		return limiter(limits, new RedisRateLimitSettings("rl", clock, 0), PATIENT);
	}

	static RedisRateLimiter limiter(RateLimits limits, RedisRateLimitSettings settings, RedisCalls calls) {
		return new RedisRateLimiter(limits, connection::async, calls, settings);
	}

	private static RedisRateLimiter withRedisTime(RateLimits limits) {
		return limiter(limits, new RedisRateLimitSettings("rl", null, 0), PATIENT);
	}

	@Test
	void eachCheckIsOneEvalshaAndEvalOnlyAfterNoscript() {
		RedisRateLimiter limiter = withRedisTime(LIMITS);
		limiter.tryAcquire("pair", "k");
		redis.server().command("CONFIG", "RESETSTAT");
		for (int i = 0; i < 10; i++) {
			limiter.tryAcquire("pair", "k" + i);
		}
		assertThat(calls("evalsha")).isEqualTo(10);
		assertThat(calls("eval")).isZero();
		// Nothing else reached Redis from outside the script (GET, SET and TIME run
		// inside it).
		assertThat(commandCalls()).containsOnlyKeys("evalsha", "get", "set", "time");

		redis.server().command("SCRIPT", "FLUSH");
		redis.server().command("CONFIG", "RESETSTAT");
		assertThat(limiter.tryAcquire("pair", "after-flush").allowed()).isTrue();
		assertThat(limiter.tryAcquire("pair", "after-flush").remaining()).isEqualTo(1);
		assertThat(calls("eval")).isEqualTo(1);
		assertThat(calls("evalsha")).isEqualTo(2);
	}

	@Test
	void aTimedOutCheckIsNotSentAgain() {
		RedisRateLimiter limiter = limiter(LIMITS, new RedisRateLimitSettings("rl", null, 0),
				RedisCalls.withFixedDeadline(Duration.ofMillis(200)));
		limiter.tryAcquire("burst", "k");
		redis.server().command("CONFIG", "RESETSTAT");
		redis.server().pause();
		try {
			assertThatExceptionOfType(RedisDeadlineMissedException.class)
				.isThrownBy(() -> limiter.tryAcquire("burst", "k"));
		}
		finally {
			redis.server().resume();
		}
		// The abandoned check reached Redis once when it woke up, and only once: 2 of 5
		// taken.
		await().atMost(Duration.ofSeconds(5)).until(() -> limiter.peek("burst", "k").remaining() == 3);
		assertThat(calls("eval")).isZero();
		assertThat(calls("evalsha")).isEqualTo(2);
	}

	@Test
	@SuppressWarnings("unchecked")
	void keysCarryTheLimitAndAHashTagAndExpireWhenFull() {
		RedisRateLimiter limiter = withRedisTime(
				RateLimits.of(RateLimit.of("api", Band.parse("2/300ms"), Band.parse("4/1s"))));
		limiter.tryAcquire("api", "alice");
		List<String> keys = keys();
		assertThat(keys).containsExactlyInAnyOrder("rl:{api:alice}", "rl:{api:alice}:1");
		assertThat(SlotHash.getSlot("rl:{api:alice}")).isEqualTo(SlotHash.getSlot("rl:{api:alice}:1"));
		// Each key lives until its band is full again: 150 ms for one of 2 per 300 ms,
		// 250 ms for one of 4 per second.
		// Both read at one instant, so that a busy machine cannot skew one against the
		// other.
		List<Object> ttls = (List<Object>) redis.server()
			.command("EVAL", "return {redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2])}", "2", "rl:{api:alice}",
					"rl:{api:alice}:1");
		long first = (Long) ttls.get(0);
		long second = (Long) ttls.get(1);
		assertThat(first).isBetween(1L, 150L);
		assertThat(second).isBetween(1L, 250L);
		assertThat(second - first).isBetween(99L, 101L);
		await().atMost(Duration.ofSeconds(5)).until(() -> keys().isEmpty());
	}

	@Test
	void timeComesFromRedis() {
		RedisRateLimiter limiter = withRedisTime(RateLimits.of(RateLimit.of("fast", Band.parse("2/400ms"))));
		assertThat(limiter.tryAcquire("fast", "k").allowed()).isTrue();
		assertThat(limiter.tryAcquire("fast", "k").allowed()).isTrue();
		Decision denied = limiter.tryAcquire("fast", "k");
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.retryAfter()).isBetween(Duration.ofMillis(1), Duration.ofMillis(200));
		await().atMost(Duration.ofSeconds(5)).until(() -> limiter.tryAcquire("fast", "k").allowed());
	}

	@Test
	void aDeniedKeyIsAnsweredLocallyUntilItsRetryTime() {
		RedisRateLimiter limiter = limiter(RateLimits.of(RateLimit.of("slow", Band.parse("1/600ms"))),
				new RedisRateLimitSettings("rl", null, 100), PATIENT);
		assertThat(limiter.tryAcquire("slow", "k").source()).isEqualTo(Decision.Source.REDIS);
		Decision denied = limiter.tryAcquire("slow", "k");
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.source()).isEqualTo(Decision.Source.REDIS);
		redis.server().command("CONFIG", "RESETSTAT");
		for (int i = 0; i < 50; i++) {
			Decision local = limiter.tryAcquire("slow", "k");
			assertThat(local.allowed()).isFalse();
			assertThat(local.source()).isEqualTo(Decision.Source.DENY_CACHE);
			assertThat(local.retryAfter()).isPositive().isLessThanOrEqualTo(denied.retryAfter());
		}
		assertThat(calls("evalsha")).isZero();
		// Another key is not affected, and the denied one is allowed again at its retry
		// time.
		assertThat(limiter.tryAcquire("slow", "other").source()).isEqualTo(Decision.Source.REDIS);
		await().atMost(Duration.ofSeconds(5)).until(() -> limiter.tryAcquire("slow", "k").allowed());
		// A reset forgets the local denial too.
		assertThat(limiter.tryAcquire("slow", "k").source()).isEqualTo(Decision.Source.REDIS);
		assertThat(limiter.tryAcquire("slow", "k").source()).isEqualTo(Decision.Source.DENY_CACHE);
		limiter.reset("slow", "k");
		assertThat(limiter.tryAcquire("slow", "k").allowed()).isTrue();
	}

	@Test
	void twoLimitersOnOneRedisShareTheBudget() {
		RedisRateLimiter first = withRedisTime(LIMITS);
		RedisRateLimiter second = withRedisTime(LIMITS);
		int allowed = 0;
		for (int i = 0; i < 60; i++) {
			if ((i % 2 == 0 ? first : second).tryAcquire("wide", "shared").allowed()) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(60);
		for (int i = 0; i < 60; i++) {
			if ((i % 2 == 0 ? first : second).tryAcquire("wide", "shared").allowed()) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(100);
	}

	static long calls(String command) {
		return commandCalls().getOrDefault(command, 0L);
	}

	/** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
	static Map<String, Long> commandCalls() {
		Map<String, Long> calls = new TreeMap<>();
		String info = String.valueOf(redis.server().command("INFO", "commandstats"));
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
				if (!name.equals("info") && !name.startsWith("config") && !name.equals("ping")) {
					calls.put(name, Long.parseLong(count));
				}
			}
		}
		return calls;
	}

	@SuppressWarnings("unchecked")
	static List<String> keys() {
		return ((List<Object>) redis.server().command("KEYS", "*")).stream().map(String::valueOf).toList();
	}

}
