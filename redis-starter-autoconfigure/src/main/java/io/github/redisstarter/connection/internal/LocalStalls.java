package io.github.redisstarter.connection.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * When this JVM itself was not running: a GC pause, a safepoint, a starved or throttled
 * CPU, a stopped process. A daemon thread sleeps {@value #TICK_MILLIS} ms at a time and
 * notes how late it wakes, as jHiccup does; lateness beyond the usual
 * ({@value #STALL_MILLIS} ms more than the least lateness of the last
 * {@value #WINDOW_TICKS} ticks, so that a coarse timer is not a stall) is a stall.
 * Silence of Redis that overlaps a stall of ours is no evidence against Redis: its answer
 * may be sitting in our socket, unread (Cassandra's failure detector ignores such
 * intervals too).
 *
 * <p>
 * Times are {@link System#nanoTime()} values. The last {@value #KEPT} stalls are kept: at
 * a stall every tick, the seconds that any question is about.
 */
final class LocalStalls implements AutoCloseable {

	static final long TICK_MILLIS = 5;

	static final long STALL_MILLIS = 5;

	static final int WINDOW_TICKS = 200;

	static final int KEPT = 1024;

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);

	private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);

	/**
	 * Ring buffers of the stalls' starts and ends, in time order, oldest overwritten
	 * first; guarded by {@code this}.
	 */
	private final long[] starts = new long[KEPT];

	private final long[] ends = new long[KEPT];

	private int next;

	private int count;

	/** Every stall's length since the start, added up; guarded by {@code this}. */
	private long totalNanos;

	private final boolean ticking;

	/**
	 * When the ticker last woke: a tick overdue now is a stall in progress that it has
	 * not been able to note yet. Written with a stall's record under {@code this}, so
	 * that a reader never counts a stall twice.
	 */
	private volatile long lastTickNanos;

	private volatile boolean closed;

	private LocalStalls(boolean ticking) {
		this.ticking = ticking;
		this.lastTickNanos = System.nanoTime();
	}

	/** Starts the ticker thread. */
	static LocalStalls start() {
		LocalStalls stalls = new LocalStalls(true);
		DaemonThreads.named("stall-ticker").newThread(stalls::tick).start();
		return stalls;
	}

	/**
	 * No ticker: stalls are only what {@link #record} is told, for tests and for states
	 * that never call Redis.
	 */
	static LocalStalls recorded() {
		return new LocalStalls(false);
	}

	private void tick() {
		long usual = 0;
		long leastInWindow = Long.MAX_VALUE;
		for (int ticks = 1; !this.closed; ticks++) {
			long before = System.nanoTime();
			LockSupport.parkNanos(TICK_NANOS);
			long after = System.nanoTime();
			long lateness = after - before - TICK_NANOS;
			leastInWindow = Math.min(leastInWindow, lateness);
			if (ticks % WINDOW_TICKS == 0) {
				usual = Math.max(0, leastInWindow);
				leastInWindow = Long.MAX_VALUE;
			}
			if (lateness - usual > STALL_NANOS) {
				record(before + TICK_NANOS + usual, after);
			}
			else {
				this.lastTickNanos = after;
			}
		}
	}

	/** Notes that this JVM did not run from {@code from} to {@code to}. */
	synchronized void record(long from, long to) {
		this.starts[this.next] = from;
		this.ends[this.next] = to;
		this.next = (this.next + 1) % KEPT;
		this.count = Math.min(this.count + 1, KEPT);
		this.totalNanos += Math.max(0, to - from);
		this.lastTickNanos = Math.max(this.lastTickNanos, to);
	}

	/** How long this JVM did not run since the start, the noted stalls added up. */
	synchronized long totalStalledNanos() {
		return this.totalNanos;
	}

	/**
	 * How long, within {@code from} to {@code to}, this JVM is known not to have run:
	 * noted stalls, and one in progress.
	 */
	synchronized long stalledNanos(long from, long to) {
		long stalled = 0;
		// Newest first: the stalls before the interval are all older than the first one
		// that ends before it starts.
		for (int i = 1; i <= this.count; i++) {
			int index = (this.next - i + KEPT) % KEPT;
			if (this.ends[index] - from <= 0) {
				break;
			}
			stalled += overlap(this.starts[index], this.ends[index], from, to);
		}
		if (this.ticking) {
			long overdueSince = this.lastTickNanos + TICK_NANOS + STALL_NANOS;
			stalled += overlap(overdueSince, Math.max(overdueSince, System.nanoTime()), from, to);
		}
		return Math.min(stalled, Math.max(0, to - from));
	}

	private static long overlap(long start, long end, long from, long to) {
		return Math.max(0, Math.min(end, to) - Math.max(start, from));
	}

	@Override
	public void close() {
		this.closed = true;
	}

}
