package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * One rate of a {@link RateLimit}: at most {@code permits} per {@code period}, with
 * bursts of up to {@code permits} when the budget is full, refilled evenly over the
 * period (one permit every {@code period / permits}).
 *
 * @param permits how many permits the period holds, at least 1
 * @param period the length of the period, at least one microsecond and in whole
 * microseconds
 */
public record Band(long permits, Duration period) {

	/** The form {@link #parse(String)} accepts. */
	public static final String ACCEPTED_FORM = "<permits>/<period>, such as 10/1s, 100/1m, 1000/1h, 5/10s or 50/500ms"
			+ " (period units: us, ms, s, m, h, d)";

	public Band {
		if (permits <= 0) {
			throw new IllegalArgumentException("'permits' must be positive, got " + permits);
		}
		Objects.requireNonNull(period, "'period' must not be null");
		if (period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException("'period' must be a positive duration, got " + period);
		}
		if (period.getNano() % 1000 != 0) {
			throw new IllegalArgumentException("'period' must be a whole number of microseconds, got " + period);
		}
		// Checks that the exact integer arithmetic of the algorithm fits, with a clear
		// message when it does not.
		GcraBand.of(permits, period);
	}

	public static Band of(long permits, Duration period) {
		return new Band(permits, period);
	}

	public static Band perSecond(long permits) {
		return new Band(permits, Duration.ofSeconds(1));
	}

	public static Band perMinute(long permits) {
		return new Band(permits, Duration.ofMinutes(1));
	}

	public static Band perHour(long permits) {
		return new Band(permits, Duration.ofHours(1));
	}

	/**
	 * Reads the compact form {@code <permits>/<period>}: {@code 10/1s}, {@code 1000/1h},
	 * {@code 5/10s}.
	 * @throws IllegalArgumentException naming the accepted form when the text is not a
	 * band
	 */
	public static Band parse(String text) {
		Objects.requireNonNull(text, "'text' must not be null");
		String trimmed = text.strip();
		int slash = trimmed.indexOf('/');
		if (slash <= 0 || slash == trimmed.length() - 1) {
			throw notABand(text, "no '/' between permits and period");
		}
		long permits;
		try {
			permits = Long.parseLong(trimmed.substring(0, slash).strip());
		}
		catch (NumberFormatException ex) {
			throw notABand(text, "the permits are not a whole number");
		}
		Duration period = parsePeriod(text, trimmed.substring(slash + 1).strip());
		try {
			return new Band(permits, period);
		}
		catch (IllegalArgumentException ex) {
			throw notABand(text, ex.getMessage());
		}
	}

	private static Duration parsePeriod(String text, String period) {
		int unitStart = 0;
		while (unitStart < period.length() && Character.isDigit(period.charAt(unitStart))) {
			unitStart++;
		}
		if (unitStart == 0) {
			// "10/s" reads as "10 per second", a common shorthand.
			period = "1" + period;
			unitStart = 1;
		}
		long amount;
		try {
			amount = Long.parseLong(period.substring(0, unitStart));
		}
		catch (NumberFormatException ex) {
			throw notABand(text, "the period is too long");
		}
		try {
			return switch (period.substring(unitStart).toLowerCase(Locale.ROOT)) {
				case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
				case "ms" -> Duration.ofMillis(amount);
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				case "d" -> Duration.ofDays(amount);
				default -> throw notABand(text, "the period has no known unit");
			};
		}
		catch (ArithmeticException | DateTimeParseException ex) {
			throw notABand(text, "the period is too long");
		}
	}

	private static IllegalArgumentException notABand(String text, String reason) {
		return new IllegalArgumentException(
				"'" + text + "' is not a rate-limit band (" + reason + "); use " + ACCEPTED_FORM);
	}

	/** The compact form, such as {@code 10/1s}; {@link #parse(String)} reads it back. */
	@Override
	public String toString() {
		return this.permits + "/" + formatPeriod(this.period);
	}

	static String formatPeriod(Duration period) {
		long micros = period.toNanos() / 1000;
		long[] unitMicros = { 86_400_000_000L, 3_600_000_000L, 60_000_000L, 1_000_000L, 1000L, 1L };
		String[] units = { "d", "h", "m", "s", "ms", "us" };
		for (int i = 0; i < units.length; i++) {
			if (micros % unitMicros[i] == 0) {
				return (micros / unitMicros[i]) + units[i];
			}
		}
		throw new IllegalStateException("unreachable");
	}

}
