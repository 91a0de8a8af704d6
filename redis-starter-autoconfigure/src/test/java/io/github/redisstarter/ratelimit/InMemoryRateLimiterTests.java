package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.time.InstantSource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The contract on the in-memory twin, and its bounded memory. */
class InMemoryRateLimiterTests extends RateLimiterContract {

	@Override
	protected RateLimiter create(RateLimits limits, ManualClock clock) {
		return new InMemoryRateLimiter(limits, clock, 100_000);
	}

	@Test
	void keysAreCappedPerLimit() {
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(LIMITS, this.clock, 100);
		for (int i = 0; i < 5000; i++) {
			limiter.tryAcquire("wide", "key-" + i);
		}
		assertThat(limiter.size("wide")).isLessThanOrEqualTo(100);
	}

	@Test
	void idleKeysAreDroppedOnceTheirBudgetIsFull() {
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(RateLimits.of(RateLimit.of("short", Band.parse("2/100ms"))),
				InstantSource.system(), 1000);
		for (int i = 0; i < 50; i++) {
			limiter.tryAcquire("short", "key-" + i);
		}
		assertThat(limiter.size("short")).isEqualTo(50);
		await().atMost(Duration.ofSeconds(5)).until(() -> limiter.size("short") == 0);
	}

	@Test
	void aPeekOfAnUnknownKeyStoresNothing() {
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(LIMITS, this.clock, 100);
		limiter.peek("wide", "never");
		assertThat(limiter.size("wide")).isZero();
	}

}
