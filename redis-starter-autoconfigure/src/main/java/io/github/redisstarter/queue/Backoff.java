package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.convert.DurationStyle;

/**
 * How long a job waits before its next attempt after a failed one. {@code fixed} waits
 * the same each time; {@code exponential} doubles from the first wait up to the longest,
 * each wait drawn at random from its upper half (so that jobs that failed together do not
 * come back together).
 *
 * @param kind fixed or exponential
 * @param first the wait after the first failed attempt (zero: retry at once)
 * @param max the longest wait ({@code exponential}); equal to {@code first} for
 * {@code fixed}
 */
public record Backoff(Kind kind, Duration first, Duration max) {

	/** How {@link #parse} reads a backoff, for messages. */
	public static final String ACCEPTED_FORM = "'fixed <duration>' or 'exponential <first> <max>', such as 'fixed 5s' or 'exponential 1s 10m'";

	/** No wait: a failed attempt is retried at once. */
	public static final Backoff NONE = new Backoff(Kind.FIXED, Duration.ZERO, Duration.ZERO);

	public enum Kind {

		FIXED, EXPONENTIAL

	}

	public Backoff {
		if (kind == null || first == null || max == null || first.isNegative() || max.compareTo(first) < 0) {
			throw new IllegalArgumentException("'backoff' must be " + ACCEPTED_FORM + ", with first <= max");
		}
	}

	public static Backoff fixed(Duration wait) {
		return new Backoff(Kind.FIXED, wait, wait);
	}

	public static Backoff exponential(Duration first, Duration max) {
		return new Backoff(Kind.EXPONENTIAL, first, max);
	}

	/**
	 * The wait before the attempt after {@code failedAttempt} (1 for the first attempt).
	 */
	public Duration delayAfter(int failedAttempt) {
		if (this.kind == Kind.FIXED || this.first.isZero()) {
			return this.first;
		}
		long firstMillis = this.first.toMillis();
		long maxMillis = this.max.toMillis();
		int doublings = Math.max(failedAttempt - 1, 0);
		int bits = 64 - Long.numberOfLeadingZeros(firstMillis);
		long upper = (doublings <= 62 - bits) ? Math.min(firstMillis << doublings, maxMillis) : maxMillis;
		long lower = upper / 2;
		return Duration.ofMillis(lower + ThreadLocalRandom.current().nextLong(upper - lower + 1));
	}

	/** Reads {@link #ACCEPTED_FORM}. */
	public static Backoff parse(String text) {
		String[] parts = text.trim().split("\\s+");
		try {
			switch (parts[0].toLowerCase(Locale.ROOT)) {
				case "fixed":
					if (parts.length == 2) {
						return fixed(DurationStyle.detectAndParse(parts[1]));
					}
					break;
				case "exponential":
					if (parts.length == 3) {
						return exponential(DurationStyle.detectAndParse(parts[1]),
								DurationStyle.detectAndParse(parts[2]));
					}
					break;
				default:
			}
		}
		catch (IllegalArgumentException ex) {
			// worded below
		}
		throw new IllegalArgumentException("'backoff' must be " + ACCEPTED_FORM + ", not '" + text + "'");
	}

	/** The form {@link #parse} reads. */
	@Override
	public String toString() {
		return (this.kind == Kind.FIXED) ? "fixed " + this.first.toMillis() + "ms"
				: "exponential " + this.first.toMillis() + "ms " + this.max.toMillis() + "ms";
	}

}
