package io.github.redisstarter.ratelimit;

import java.util.List;

/**
 * The generic cell rate algorithm over one or more bands, checked together: a request is
 * allowed only if every band allows it, and then every band consumes. Pure arithmetic, no
 * I/O: the in-memory twin runs it directly, and {@code gcra.lua} runs the same steps in
 * Redis (a test runs both over the same inputs and compares every number).
 *
 * <p>
 * State per band is the theoretical arrival time (TAT): the instant, in microseconds, at
 * which the band's budget is full again, with a remainder in scaled units
 * ({@link GcraBand}). The backlog is {@code TAT - now}, scaled; a request of cost
 * {@code c} is allowed when {@code backlog + c * permitCost <= capacity}.
 *
 * <p>
 * A reply is a flat array, the same shape as the script's:
 * {@code [allowed, then per band: remaining,
 * resetAfterMicros, retryAfterMicros]}.
 */
final class Gcra {

	static final int ALLOWED = 0;

	static final int FIELDS_PER_BAND = 3;

	private Gcra() {
	}

	/**
	 * One check at {@code now}.
	 * @param state per band {@code tat, remainder}; {@code null} for a key never seen or
	 * expired
	 * @param cost permits asked for; with {@code consume = false} the check only looks (a
	 * peek)
	 * @param next receives the new state when the check consumed (the reply says allowed
	 * and {@code consume} is set)
	 */
	static long[] evaluate(List<GcraBand> bands, long[] state, long now, long cost, boolean consume, long[] next) {
		int n = bands.size();
		long[] reply = new long[1 + n * FIELDS_PER_BAND];
		boolean allowed = true;
		for (int i = 0; i < n; i++) {
			GcraBand band = bands.get(i);
			if (backlog(band, state, i, now) + cost * band.permitCost() > band.capacity()) {
				allowed = false;
			}
		}
		reply[ALLOWED] = allowed ? 1 : 0;
		for (int i = 0; i < n; i++) {
			GcraBand band = bands.get(i);
			// Computed again rather than kept: an array per check costs more than this
			// arithmetic.
			long backlog = backlog(band, state, i, now);
			long wanted = backlog + cost * band.permitCost();
			long used = (allowed && consume) ? wanted : backlog;
			int at = 1 + i * FIELDS_PER_BAND;
			long scale = band.scale();
			reply[at] = (band.capacity() - used) / band.permitCost();
			// Scale 1 (a period that divides evenly by its permits) is the common case:
			// no division needed.
			reply[at + 1] = (scale == 1) ? used : ceilDiv(used, scale);
			long over = wanted - band.capacity();
			reply[at + 2] = (over <= 0) ? 0 : (scale == 1) ? over : ceilDiv(over, scale);
			if (allowed && consume) {
				next[2 * i] = now + ((scale == 1) ? used : used / scale);
				next[2 * i + 1] = (scale == 1) ? 0 : used % scale;
			}
		}
		return reply;
	}

	private static long backlog(GcraBand band, long[] state, int i, long now) {
		return (state != null) ? backlog(band, state[2 * i], state[2 * i + 1], now) : 0;
	}

	/**
	 * How far ahead of {@code now} the band's budget is, in scaled units, never more than
	 * a full budget.
	 */
	static long backlog(GcraBand band, long tat, long remainder, long now) {
		if (tat < now) {
			return 0;
		}
		long aheadMicros = tat - now;
		// A TAT beyond one period (a clock stepped back) means an empty budget, no more:
		// keeps numbers small.
		if (aheadMicros >= band.periodMicros()) {
			return band.capacity();
		}
		return Math.min(aheadMicros * band.scale() + remainder, band.capacity());
	}

	/**
	 * a / b rounded up, for a &gt;= 0 and b &gt; 0 (every value here is far below
	 * overflow).
	 */
	static long ceilDiv(long a, long b) {
		return (a + b - 1) / b;
	}

}
