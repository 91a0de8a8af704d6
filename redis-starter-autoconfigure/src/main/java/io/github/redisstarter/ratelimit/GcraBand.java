package io.github.redisstarter.ratelimit;

import java.time.Duration;

/**
 * A {@link Band} in the integer units the algorithm computes in, so that every step is
 * exact on the JVM and in Redis' Lua (whose numbers are doubles, exact only below 2^53).
 *
 * <p>
 * One permit is emitted every {@code period / permits} microseconds, a fraction in
 * general. Scaling time by {@code scale = permits / gcd(period, permits)} makes that
 * interval the whole number {@code permitCost}, and a full budget the whole number
 * {@code capacity = period * scale}: "5 per 3 s" is 3,000,000 µs / 5, so scale 1 and a
 * permit costs 600,000 units; "3 per 1 s" gives scale 3 and a permit cost of 1,000,000
 * units.
 *
 * @param permits permits per period
 * @param periodMicros the period in microseconds
 * @param permitCost the scaled time one permit takes to refill
 * @param scale scaled units per microsecond
 * @param capacity the scaled time a full budget takes to refill
 * ({@code permits * permitCost})
 */
record GcraBand(long permits, long periodMicros, long permitCost, long scale, long capacity) {

	/**
	 * Backlogs stay below twice the capacity, and every intermediate value below 2^52,
	 * well inside 2^53.
	 */
	static final long MAX_CAPACITY = 1L << 50;

	static GcraBand of(long permits, Duration period) {
		long periodMicros;
		try {
			periodMicros = Math.addExact(Math.multiplyExact(period.getSeconds(), 1_000_000L), period.getNano() / 1000);
		}
		catch (ArithmeticException ex) {
			throw tooFine(permits, period);
		}
		long gcd = gcd(periodMicros, permits);
		long permitCost = periodMicros / gcd;
		long scale = permits / gcd;
		// The capacity (permitCost x permits) is what the script and the twin count in,
		// not permitCost x scale.
		if (permitCost > MAX_CAPACITY / permits) {
			throw tooFine(permits, period);
		}
		return new GcraBand(permits, periodMicros, permitCost, scale, permitCost * permits);
	}

	private static IllegalArgumentException tooFine(long permits, Duration period) {
		return new IllegalArgumentException("the band of " + permits + " permits per " + period
				+ " cannot be computed exactly: its period in microseconds times permits/gcd(period, permits) must stay below 2^50;"
				+ " use a round number of permits (such as 1000 instead of 999) or a shorter period");
	}

	private static long gcd(long a, long b) {
		while (b != 0) {
			long t = a % b;
			a = b;
			b = t;
		}
		return a;
	}

}
