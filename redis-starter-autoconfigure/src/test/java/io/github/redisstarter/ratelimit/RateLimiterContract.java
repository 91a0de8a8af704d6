package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;

import io.github.redisstarter.test.Concurrently;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What every {@link RateLimiter} promises, run against the Redis limiter and the
 * in-memory twin alike. Time is a {@link ManualClock}, so refill is exact and nothing
 * sleeps.
 */
abstract class RateLimiterContract {

	static final RateLimits LIMITS = RateLimits.of(RateLimit.of("burst", Band.parse("5/10s")),
			RateLimit.of("pair", Band.parse("3/1s"), Band.parse("5/1h")), RateLimit.of("third", Band.parse("3/1s")),
			RateLimit.of("other", Band.parse("5/10s")), RateLimit.of("wide", Band.parse("100/1h")));

	protected final ManualClock clock = new ManualClock();

	private RateLimiter limiter;

	/**
	 * A fresh limiter over {@link #LIMITS} on an empty store, reading time from
	 * {@code clock}.
	 */
	protected abstract RateLimiter create(RateLimits limits, ManualClock clock);

	@BeforeEach
	void createLimiter() {
		this.limiter = create(LIMITS, this.clock);
	}

	@Test
	void aFullBudgetAllowsABurstOfItsPermitsThenDenies() {
		for (int remaining = 4; remaining >= 0; remaining--) {
			Decision decision = this.limiter.tryAcquire("burst", "alice");
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.remaining()).isEqualTo(remaining);
			assertThat(decision.limit()).isEqualTo(5);
			assertThat(decision.retryAfter()).isZero();
		}
		Decision denied = this.limiter.tryAcquire("burst", "alice");
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isZero();
		// One permit every 2 s; the budget is full 10 s after the burst.
		assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(2));
		assertThat(denied.resetAfter()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void permitsComeBackEvenlyOverThePeriod() {
		drain("burst", "alice", 5);
		this.clock.advance(Duration.ofMillis(1999));
		assertThat(this.limiter.tryAcquire("burst", "alice").allowed()).isFalse();
		assertThat(this.limiter.tryAcquire("burst", "alice").retryAfter()).isEqualTo(Duration.ofMillis(1));
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.limiter.tryAcquire("burst", "alice").allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("burst", "alice").allowed()).isFalse();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(drain("burst", "alice", 6)).isEqualTo(5);
	}

	@Test
	void fractionalIntervalsStayExact() {
		// 3 per second: a permit every 333,333.33 µs; three of them are exactly one
		// second.
		drain("third", "k", 3);
		this.clock.advance(Duration.ofNanos(333_333_000));
		assertThat(this.limiter.tryAcquire("third", "k").allowed()).isFalse();
		this.clock.advance(Duration.ofNanos(1000));
		assertThat(this.limiter.tryAcquire("third", "k").allowed()).isTrue();
		// The next one is free at 666,666.67 µs: not at 666,666, but at 666,667.
		this.clock.advance(Duration.ofNanos(333_332_000));
		assertThat(this.limiter.tryAcquire("third", "k").allowed()).isFalse();
		this.clock.advance(Duration.ofNanos(1000));
		assertThat(this.limiter.tryAcquire("third", "k").allowed()).isTrue();
		// Over a long run, exactly 3 per second: 3 allowed per 1 s step, never a 4th.
		for (int second = 0; second < 20; second++) {
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(drain("third", "run", 4)).isEqualTo(3);
		}
	}

	@Test
	void bandsAreCheckedTogetherAndNoneConsumesWhenOneDenies() {
		assertThat(drain("pair", "k", 4)).isEqualTo(3);
		Decision perSecond = this.limiter.tryAcquire("pair", "k");
		assertThat(perSecond.band()).isEqualTo(0);
		assertThat(perSecond.limit()).isEqualTo(3);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(drain("pair", "k", 4)).isEqualTo(2);
		Decision perHour = this.limiter.tryAcquire("pair", "k");
		assertThat(perHour.allowed()).isFalse();
		assertThat(perHour.band()).isEqualTo(1);
		assertThat(perHour.limit()).isEqualTo(5);
		// 5 per hour: one every 12 minutes; the first of the five was taken 1 s before
		// the last.
		assertThat(perHour.retryAfter()).isEqualTo(Duration.ofMinutes(12).minusSeconds(1));
		// The per-second band did not consume on those denials: after 1 s it has its full
		// 3 again.
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.limiter.peek("pair", "k").remaining()).isZero();
		assertThat(this.limiter.peek("pair", "k").band()).isEqualTo(1);
	}

	@Test
	void costTakesSeveralPermitsOrNone() {
		Decision three = this.limiter.tryAcquire("burst", "k", 3);
		assertThat(three.allowed()).isTrue();
		assertThat(three.remaining()).isEqualTo(2);
		Decision tooMuch = this.limiter.tryAcquire("burst", "k", 3);
		assertThat(tooMuch.allowed()).isFalse();
		assertThat(tooMuch.remaining()).isEqualTo(2);
		assertThat(tooMuch.retryAfter()).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.limiter.tryAcquire("burst", "k", 2).allowed()).isTrue();
		assertThat(this.limiter.peek("burst", "k").remaining()).isZero();
	}

	@Test
	void peekLooksWithoutTaking() {
		drain("burst", "k", 3);
		for (int i = 0; i < 5; i++) {
			Decision peek = this.limiter.peek("burst", "k");
			assertThat(peek.allowed()).isTrue();
			assertThat(peek.remaining()).isEqualTo(2);
		}
		drain("burst", "k", 2);
		Decision empty = this.limiter.peek("burst", "k");
		assertThat(empty.allowed()).isFalse();
		assertThat(empty.retryAfter()).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.limiter.peek("burst", "never-seen").remaining()).isEqualTo(5);
	}

	@Test
	void resetGivesAFullBudgetBack() {
		drain("pair", "k", 3);
		this.limiter.reset("pair", "k");
		assertThat(this.limiter.peek("pair", "k").remaining()).isEqualTo(3);
		assertThat(drain("pair", "k", 4)).isEqualTo(3);
	}

	@Test
	void keysAndLimitsNeverShareABudget() {
		drain("burst", "alice", 5);
		assertThat(this.limiter.tryAcquire("other", "alice").allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("burst", "bob").allowed()).isTrue();
		// Keys that a careless encoding would merge: a lone surrogate and '?', a long key
		// and its prefix, braces,
		// separators, a key that looks like a digest.
		String tenKb = "x".repeat(10 * 1024);
		List<String> keys = List.of("\uD800", "?", tenKb, tenKb + "y", "x".repeat(128), "x".repeat(129), "a}:1", "a",
				"a:b", "a\nb", "a b", "日本語 🚀", "{tag}",
				"#" + io.github.redisstarter.connection.internal.RedisKeyEncoding.encode(tenKb).substring(1),
				"burst:alice");
		for (String key : keys) {
			assertThat(drain("burst", key, 5)).as("first burst of %s", key).isEqualTo(5);
		}
		for (String key : keys) {
			assertThat(this.limiter.tryAcquire("burst", key).allowed()).as("second burst of %s", key).isFalse();
		}
		assertThat(this.limiter.tryAcquire("other", "burst:alice").allowed()).isTrue();
	}

	@Test
	void concurrentCallersGetExactlyTheBudget() throws Exception {
		int allowed = Concurrently.countSuccesses(16, 25, (thread) -> this.limiter.tryAcquire("wide", "hot").allowed());
		assertThat(allowed).isEqualTo(100);
	}

	@Test
	void theAsyncVariantDecidesTheSame() throws Exception {
		for (int i = 0; i < 5; i++) {
			assertThat(
					this.limiter.tryAcquireAsync("burst", "k").toCompletableFuture().get(5, TimeUnit.SECONDS).allowed())
				.isTrue();
		}
		Decision denied = this.limiter.tryAcquireAsync("burst", "k", 1).toCompletableFuture().get(5, TimeUnit.SECONDS);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void badArgumentsAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquire("burst", " "))
			.withMessageContaining("'key'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquire("burst", null))
			.withMessageContaining("'key'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquire("burst", "k", 0))
			.withMessageContaining("'cost'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquire("burst", "k", -1))
			.withMessageContaining("'cost'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquire("burst", "k", 6))
			.withMessageContaining("'cost' 6 exceeds the 5 permits");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquire("nope", "k"))
			.withMessageContaining("'limit' names no defined rate limit: 'nope'")
			.withMessageContaining("burst");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryAcquireAsync(null, "k"))
			.withMessageContaining("'limit'");
		// Nothing was taken by the rejected calls.
		assertThat(this.limiter.peek("burst", "k").remaining()).isEqualTo(5);
	}

	/** Tries {@code attempts} times; returns how many were allowed. */
	int drain(String limit, String key, int attempts) {
		int allowed = 0;
		for (int i = 0; i < attempts; i++) {
			if (this.limiter.tryAcquire(limit, key).allowed()) {
				allowed++;
			}
		}
		return allowed;
	}

}
