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
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(
				RateLimits.of(RateLimit.of("short", Band.parse("2/100ms"))), InstantSource.system(), 1000);
		for (int i = 0; i < 50; i++) {
			limiter.tryAcquire("short", "key-" + i);
		}
		assertThat(limiter.size("short")).isEqualTo(50);
		await().atMost(Duration.ofSeconds(5)).until(() -> limiter.size("short") == 0);
	}

	@Test
	void longKeysAreKeptAsDigestsSoThatMemoryIsBoundedInBytesToo() {
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(LIMITS, this.clock, 1000);
		// An 8 KB header value as the key, a hundred times: kept as is, that would be 1.6
		// MB for one limit's entries.
		String header = "k".repeat(8192);
		for (int i = 0; i < 100; i++) {
			limiter.tryAcquire("burst", header + i);
		}
		assertThat(limiter.keptKeys("burst")).hasSize(100)
			.allSatisfy((key) -> assertThat(key.length()).isLessThanOrEqualTo(44));
		// Digests keep long keys apart: each still has its own budget.
		for (int i = 0; i < 4; i++) {
			limiter.tryAcquire("burst", header + 0);
		}
		assertThat(limiter.tryAcquire("burst", header + 0).allowed()).isFalse();
		assertThat(limiter.tryAcquire("burst", header + 1).allowed()).isTrue();
		// A short key that looks like a digest is digested too: it cannot share a long
		// key's budget.
		String lookalike = limiter.keptKeys("burst").iterator().next();
		limiter.tryAcquire("burst", lookalike);
		assertThat(limiter.keptKeys("burst")).hasSize(101);
	}

	@Test
	void aPeekOfAnUnknownKeyStoresNothing() {
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(LIMITS, this.clock, 100);
		limiter.peek("wide", "never");
		assertThat(limiter.size("wide")).isZero();
	}

}
