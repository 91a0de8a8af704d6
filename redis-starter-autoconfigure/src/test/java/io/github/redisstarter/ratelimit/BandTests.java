package io.github.redisstarter.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The compact band form, and the definitions that are refused with a message naming the
 * argument.
 */
class BandTests {

	@Test
	void theCompactFormReadsEveryUnit() {
		assertThat(Band.parse("10/1s")).isEqualTo(Band.of(10, Duration.ofSeconds(1)));
		assertThat(Band.parse(" 5 / 10s ")).isEqualTo(Band.of(5, Duration.ofSeconds(10)));
		assertThat(Band.parse("10/s")).isEqualTo(Band.perSecond(10));
		assertThat(Band.parse("100/1m")).isEqualTo(Band.perMinute(100));
		assertThat(Band.parse("1000/1h")).isEqualTo(Band.perHour(1000));
		assertThat(Band.parse("50/500ms")).isEqualTo(Band.of(50, Duration.ofMillis(500)));
		assertThat(Band.parse("1/250us")).isEqualTo(Band.of(1, Duration.ofNanos(250_000)));
		assertThat(Band.parse("7/2d")).isEqualTo(Band.of(7, Duration.ofDays(2)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "10/1s", "5/10s", "100/1m", "1000/1h", "50/500ms", "1/250us", "7/2d", "3/90s" })
	void toStringIsTheCompactFormAgain(String text) {
		assertThat(Band.parse(text).toString()).isEqualTo(text);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "10", "/1s", "10/", "ten/1s", "10/1 sec", "10/1w", "0/1s", "-1/1s", "10/0s",
			"99999999999999999999/1s" })
	void malformedBandsNameTheAcceptedForm(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Band.parse(text))
			.withMessageContaining("is not a rate-limit band")
			.withMessageContaining("<permits>/<period>");
	}

	@Test
	void nonPositiveRatesAreRefusedByArgumentName() {
		assertThatIllegalArgumentException().isThrownBy(() -> Band.of(0, Duration.ofSeconds(1)))
			.withMessageContaining("'permits' must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> Band.of(1, Duration.ZERO))
			.withMessageContaining("'period' must be a positive duration");
		assertThatIllegalArgumentException().isThrownBy(() -> Band.of(1, Duration.ofNanos(1500)))
			.withMessageContaining("whole number of microseconds");
	}

	@Test
	void aBandTooFineToComputeExactlyIsRefusedUpFront() {
		// 999,999,937 is prime: per day, the scaled budget would pass 2^50.
		assertThatIllegalArgumentException().isThrownBy(() -> Band.of(999_999_937, Duration.ofDays(1)))
			.withMessageContaining("cannot be computed exactly");
		// Round numbers reduce: a million per day is one permit every 86,400 µs.
		assertThat(GcraBand.of(1_000_000, Duration.ofDays(1)).scale()).isEqualTo(1);
	}

	@Test
	void theBoundIsOnTheCapacityTheScriptCountsInNotOnItsReducedForm() {
		// A million permits per 2,000,000,000 s: reduced by the gcd (10^6), each permit
		// is 2x10^9 µs and the reduced
		// product stays small, but the capacity the script counts in is 2x10^15, above
		// 2^50, where Lua's doubles
		// would no longer count every microsecond.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GcraBand.of(1_000_000, Duration.ofSeconds(2_000_000_000L)))
			.withMessageContaining("cannot be computed exactly");
		GcraBand largest = GcraBand.of(1_000_000, Duration.ofSeconds(1_000_000_000L));
		assertThat(largest.capacity()).isLessThanOrEqualTo(GcraBand.MAX_CAPACITY);
	}

	@Test
	void limitNamesAndBandsAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.of("a:b", Band.perSecond(1)))
			.withMessageContaining("'name'");
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.of("api"))
			.withMessageContaining("at least one band");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> RateLimits.of(RateLimit.of("api", Band.perSecond(1)), RateLimit.of("api", Band.perHour(5))))
			.withMessageContaining("'api' is defined twice");
	}

}
