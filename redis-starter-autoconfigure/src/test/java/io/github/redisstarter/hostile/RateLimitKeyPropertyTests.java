package io.github.redisstarter.hostile;

import java.time.Duration;
import java.util.List;

import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.test.RedisServerExtension;
import io.github.redisstarter.ratelimit.RateLimiters;
import io.github.redisstarter.ratelimit.RedisRateLimitSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;

/**
 * Rate-limit keys come from requests (an IP, a header, a user name): whatever they hold,
 * two keys never share a budget, two limits never share one, Redis holds exactly one key
 * per limit and caller key under the limiter's prefix, and the only error is the
 * documented one for a blank key. Against Redis and the in-memory twin alike.
 */
class RateLimitKeyPropertyTests {

	private static final RateLimits LIMITS = RateLimits.of(RateLimit.of("a", Band.perHour(2)),
			RateLimit.of("b", Band.perHour(2)));

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	@Test
	void keysAndLimitsNeverShareABudget() {
		qt().withExamples(150).forAll(HostileText.distinctPairs()).checkAssert((pair) -> {
			String first = pair.first();
			String second = pair.second();
			redis.server().flushAll();
			RateLimiter onRedis = RateLimiters.onRedis(LIMITS, connection::async,
					RedisCalls.withFixedDeadline(Duration.ofSeconds(5)), new RedisRateLimitSettings("rl", null, 0));
			for (RateLimiter limiter : List.of(onRedis, RateLimiters.inMemory(LIMITS, 1000))) {
				if (first.isBlank() || second.isBlank()) {
					String blank = first.isBlank() ? first : second;
					assertThatIllegalArgumentException().isThrownBy(() -> limiter.tryAcquire("a", blank))
						.withMessageContaining("'key' must not be blank");
					continue;
				}
				assertThat(limiter.tryAcquire("a", first).allowed()).isTrue();
				assertThat(limiter.tryAcquire("a", first).allowed()).isTrue();
				assertThat(limiter.tryAcquire("a", first).allowed()).as("the third of 2 per hour").isFalse();
				assertThat(limiter.tryAcquire("a", second).remaining()).as("another key, a full budget").isEqualTo(1);
				assertThat(limiter.tryAcquire("b", first).remaining()).as("another limit, a full budget").isEqualTo(1);
				assertThat(limiter.peek("a", first).allowed()).isFalse();
			}
			if (!first.isBlank() && !second.isBlank()) {
				// One key per limit and caller key, each under the prefix: nothing else
				// was written or run.
				List<String> keys = ((List<?>) redis.server().command("KEYS", "*")).stream()
					.map(String::valueOf)
					.toList();
				assertThat(keys).hasSize(3).allSatisfy((key) -> assertThat(key).startsWith("rl:{"));
			}
		});
	}

}
