package io.github.redisstarter.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The pure rules of retries and schedules: exponential backoff doubles within its upper
 * half up to the longest wait, and the forms the properties accept; cron and interval
 * ticks every instance computes alike.
 */
class BackoffAndScheduleTests {

	@RepeatedTest(20)
	void exponentialBackoffDoublesWithJitterInItsUpperHalfUpToTheMax() {
		Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10));
		assertThat(backoff.delayAfter(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
		assertThat(backoff.delayAfter(2)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
		assertThat(backoff.delayAfter(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
		assertThat(backoff.delayAfter(5)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
		assertThat(backoff.delayAfter(200)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
		assertThat(Backoff.fixed(Duration.ofSeconds(3)).delayAfter(7)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void backoffReadsItsTwoFormsAndNamesTheAcceptedOnes() {
		assertThat(Backoff.parse("fixed 5s")).isEqualTo(Backoff.fixed(Duration.ofSeconds(5)));
		assertThat(Backoff.parse("exponential 1s 10m"))
			.isEqualTo(Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(10)));
		assertThat(Backoff.parse(Backoff.parse("exponential 1s 10m").toString()))
			.isEqualTo(Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(10)));
		assertThatIllegalArgumentException().isThrownBy(() -> Backoff.parse("exponential 10m 1s"))
			.withMessageContaining("'backoff' must be " + Backoff.ACCEPTED_FORM);
		assertThatIllegalArgumentException().isThrownBy(() -> Backoff.parse("sometimes"))
			.withMessageContaining("not 'sometimes'");
	}

	@Test
	void cronTicksAreTheExpressionsInstantsInItsZone() {
		Schedule nightly = Schedule.cron("0 0 3 * * *", ZoneId.of("Europe/Berlin"));
		assertThat(nightly.nextAfter(Instant.parse("2026-12-06T10:00:00Z")))
			.isEqualTo(Instant.parse("2026-12-07T02:00:00Z"));
		assertThat(nightly.nextAfter(Instant.parse("2026-12-07T02:00:00Z")))
			.isEqualTo(Instant.parse("2026-12-08T02:00:00Z"));
		assertThatIllegalArgumentException().isThrownBy(() -> Schedule.cron("every night"))
			.withMessageContaining("'cron' must be a cron expression of six fields");
	}

	@Test
	void intervalTicksAreMultiplesSinceTheEpochSoEveryInstanceAgrees() {
		Schedule every = Schedule.every(Duration.ofSeconds(5));
		assertThat(every.nextAfter(Instant.ofEpochMilli(12_345))).isEqualTo(Instant.ofEpochMilli(15_000));
		assertThat(every.nextAfter(Instant.ofEpochMilli(15_000))).isEqualTo(Instant.ofEpochMilli(20_000));
		assertThatIllegalArgumentException().isThrownBy(() -> Schedule.every(Duration.ZERO))
			.withMessageContaining("'every' must be at least 1ms");
	}

}
