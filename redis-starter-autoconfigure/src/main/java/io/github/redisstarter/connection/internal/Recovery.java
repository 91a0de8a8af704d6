package io.github.redisstarter.connection.internal;

import java.time.Duration;

/**
 * The way back to Redis, as a circuit breaker's half-open state: Redis is taken back only
 * once every probe has succeeded for a while ({@code redis-starter.return-after}), not on
 * one good answer, and that while doubles after each trip that follows a return closely
 * (within {@value #REPEAT_WINDOW} times the while it took), up to
 * {@code redis-starter.max-return-after}. A Redis that fails again and again is then
 * tried less and less often, instead of costing every instance a switch each way each
 * time; one that stays in use that long after a return is trusted afresh, so that
 * separate outages each get the short way back.
 *
 * <p>
 * Times are {@link System#nanoTime()} values. Callers hold no lock; each method is
 * atomic.
 */
final class Recovery {

	private static final long NONE = Long.MIN_VALUE;

	/**
	 * A trip within this many times the last wait after a return is the same episode
	 * going on: a repeat.
	 */
	static final int REPEAT_WINDOW = 10;

	private final long baseNanos;

	private final long maxNanos;

	/** How many trips in a row came soon after a return. */
	private int repeats;

	private long lastReturnNanos = NONE;

	/** The wait that the last return took. */
	private long lastWaitNanos;

	/** When the current run of healthy probes began; NONE while there is none. */
	private long healthySinceNanos = NONE;

	Recovery(Duration base, Duration max) {
		this.baseNanos = base.toNanos();
		this.maxNanos = max.toNanos();
	}

	/** The app left Redis. */
	synchronized void tripped(long nowNanos) {
		boolean soonAfterReturn = this.lastReturnNanos != NONE
				&& nowNanos - this.lastReturnNanos < REPEAT_WINDOW * this.lastWaitNanos;
		this.repeats = soonAfterReturn ? this.repeats + 1 : 0;
		this.healthySinceNanos = NONE;
	}

	/** The app took Redis back. */
	synchronized void returned(long nowNanos) {
		this.lastReturnNanos = nowNanos;
		this.lastWaitNanos = waitNanos();
		this.healthySinceNanos = NONE;
	}

	/**
	 * A probe succeeded: how long Redis has now been healthy, if that is long enough to
	 * take it back, or -1.
	 * @param doubtful whether the probe left a doubt (too little free memory after OOM):
	 * then only the longest wait will do
	 */
	synchronized long healthyFor(long nowNanos, boolean doubtful) {
		if (this.healthySinceNanos == NONE) {
			this.healthySinceNanos = nowNanos;
		}
		long healthy = nowNanos - this.healthySinceNanos;
		return (healthy >= (doubtful ? this.maxNanos : waitNanos())) ? healthy : -1;
	}

	/** A probe failed, or answered too slowly: the run of healthy probes starts again. */
	synchronized void unhealthy() {
		this.healthySinceNanos = NONE;
	}

	/** How long probes must succeed before the next return. */
	synchronized long waitNanos() {
		long wait = this.baseNanos;
		for (int i = 0; i < this.repeats && wait < this.maxNanos; i++) {
			wait = (wait > this.maxNanos / 2) ? this.maxNanos : wait * 2;
		}
		return Math.min(wait, this.maxNanos);
	}

}
