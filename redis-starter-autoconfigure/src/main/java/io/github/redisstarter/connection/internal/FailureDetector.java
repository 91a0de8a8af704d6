package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Tells a hung Redis from a slow one, from what Redis answers rather than from counting
 * misses.
 *
 * <ul>
 * <li><b>A deadline that follows Redis.</b> Every answer's round trip feeds a smoothed
 * latency and its mean deviation, as TCP's retransmission timer does (RFC 6298): a call
 * waits {@code srtt + 4 * rttvar}, never less than the floor
 * ({@code redis-starter.call-deadline}) and never more than the cap
 * ({@code redis-starter.max-call-deadline}).</li>
 * <li><b>Silence, not misses, is the evidence.</b> What accrues is how long Redis has
 * answered nothing while a call waited on it, counted from the later of the oldest such
 * call and the last answer (the phi-accrual idea: suspicion grows with a silence measured
 * against what this Redis usually takes). Calls in flight together share one silence, so
 * three requests stuck behind one slow reply are one piece of evidence, not three. Any
 * answer ends it.</li>
 * <li><b>Our own stalls are not Redis' silence.</b> The time {@link LocalStalls} saw this
 * JVM not running is taken out of the silence and of every latency sample: an answer may
 * have waited in our socket while we were paused.</li>
 * <li><b>Hung</b> means silent for two deadlines, or answering slower on average than the
 * cap.</li>
 * </ul>
 *
 * Times are {@link System#nanoTime()} values, passed in so that tests can tell the story
 * they need.
 */
final class FailureDetector {

	/** How many deadlines of silence make Redis hung. */
	static final int SILENT_DEADLINES = 2;

	private static final long NONE = Long.MAX_VALUE;

	private static final long NO_ANSWER = Long.MIN_VALUE;

	private static final long NO_SAMPLE = -1;

	/**
	 * At most one latency sample per this interval from calls in time: the estimate needs
	 * no more, the hot path less.
	 */
	private static final long SAMPLE_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long MAX_MICROS = Integer.MAX_VALUE;

	private final long floorNanos;

	private final long capNanos;

	private final LocalStalls stalls;

	/**
	 * Smoothed latency (high 32 bits) and its mean deviation (low 32 bits), in
	 * microseconds; NO_SAMPLE before any.
	 */
	private final AtomicLong estimate = new AtomicLong(NO_SAMPLE);

	/**
	 * When an answer last arrived (thinned to one per sample spacing); NO_ANSWER before
	 * the first.
	 */
	private final AtomicLong lastAnswerNanos = new AtomicLong(NO_ANSWER);

	/**
	 * When the oldest call still waiting without an answer was sent, as far as known;
	 * NONE when none is.
	 */
	private final AtomicLong oldestUnansweredNanos = new AtomicLong(NONE);

	/**
	 * @param floor the shortest deadline ({@code redis-starter.call-deadline})
	 * @param cap the longest deadline, and the average latency beyond which Redis counts
	 * as hung ({@code redis-starter.max-call-deadline})
	 */
	FailureDetector(Duration floor, Duration cap, LocalStalls stalls) {
		this.floorNanos = floor.toNanos();
		this.capNanos = cap.toNanos();
		this.stalls = stalls;
	}

	/** How long a call may wait for Redis now. */
	long deadlineNanos() {
		long packed = this.estimate.get();
		if (packed == NO_SAMPLE) {
			return this.floorNanos;
		}
		long micros = srttMicros(packed) + 4 * rttvarMicros(packed);
		return Math.min(this.capNanos, Math.max(this.floorNanos, micros * 1000));
	}

	long capNanos() {
		return this.capNanos;
	}

	/** The smoothed latency, or {@code null} before the first answer. */
	@Nullable Duration smoothedLatency() {
		long packed = this.estimate.get();
		return (packed == NO_SAMPLE) ? null : Duration.ofNanos(srttMicros(packed) * 1000);
	}

	/**
	 * A call sent at {@code sentNanos} got its answer (a value or an error reply) at
	 * {@code nowNanos}: Redis is alive, the silence of every call sent until then is
	 * over, and, at most once per sample spacing, the latency is a sample.
	 */
	void answered(long sentNanos, long nowNanos) {
		long last = this.lastAnswerNanos.get();
		if ((last == NO_ANSWER || nowNanos - last >= SAMPLE_SPACING_NANOS)
				&& this.lastAnswerNanos.compareAndSet(last, nowNanos)) {
			sample(sentNanos, nowNanos);
		}
		endSilenceUpTo(sentNanos);
	}

	/**
	 * An answer that came after its caller stopped waiting: always a sample, since
	 * slowness is what it shows.
	 */
	void answeredLate(long sentNanos, long nowNanos) {
		this.lastAnswerNanos.accumulateAndGet(nowNanos,
				(last, now) -> (last == NO_ANSWER || now - last > 0) ? now : last);
		sample(sentNanos, nowNanos);
		endSilenceUpTo(sentNanos);
	}

	/**
	 * Ends the silence of every call sent until {@code sentNanos}, without a latency
	 * sample.
	 */
	void endSilenceUpTo(long sentNanos) {
		long oldest = this.oldestUnansweredNanos.get();
		if (oldest != NONE && oldest - sentNanos <= 0) {
			// Answers come in order: one for a call sent later means that the waiting one
			// was answered too.
			this.oldestUnansweredNanos.compareAndSet(oldest, NONE);
		}
	}

	/**
	 * A call sent at {@code sentNanos} is still waiting: its silence counts from then.
	 */
	void unanswered(long sentNanos) {
		this.oldestUnansweredNanos.accumulateAndGet(sentNanos,
				(current, sent) -> (current == NONE || sent - current < 0) ? sent : current);
	}

	/**
	 * How long Redis has been silent while a call waited, our own stalls taken out; 0
	 * when nothing waits.
	 */
	long silenceNanos(long nowNanos) {
		long oldest = this.oldestUnansweredNanos.get();
		if (oldest == NONE) {
			return 0;
		}
		long last = this.lastAnswerNanos.get();
		long since = (last == NO_ANSWER || oldest - last > 0) ? oldest : last;
		if (nowNanos - since <= 0) {
			return 0;
		}
		return nowNanos - since - this.stalls.stalledNanos(since, nowNanos);
	}

	/**
	 * How much longer a call sent at {@code sentNanos} may wait because this JVM was
	 * stalled while it waited: the stalled time (a deadline counts time this JVM ran), at
	 * most the longest deadline; 0 when it was not stalled.
	 */
	long stallExtensionNanos(long sentNanos, long nowNanos) {
		return Math.min(this.stalls.stalledNanos(sentNanos, nowNanos), this.capNanos);
	}

	/**
	 * Why Redis counts as hung now, in words for the switch line, or {@code null} while
	 * it does not.
	 */
	@Nullable String hungReason(long nowNanos) {
		long deadline = deadlineNanos();
		long silence = silenceNanos(nowNanos);
		if (silence >= SILENT_DEADLINES * deadline) {
			return "timed out (no answer for " + millis(silence) + " while calls waited; deadline " + millis(deadline)
					+ ", answers usually take " + typical() + ")";
		}
		long packed = this.estimate.get();
		if (packed != NO_SAMPLE && srttMicros(packed) * 1000 >= this.capNanos) {
			return "timed out (answers take " + typical() + " on average, more than redis-starter.max-call-deadline ("
					+ millis(this.capNanos) + "))";
		}
		return null;
	}

	/**
	 * Whether this Redis answer is slow enough to count against it on the way back:
	 * beyond the cap.
	 */
	boolean tooSlow(Duration latency) {
		return latency.toNanos() > this.capNanos;
	}

	/**
	 * A round trip, less the time this JVM was stalled meanwhile: what Redis took, as far
	 * as we can tell.
	 */
	private void sample(long sentNanos, long nowNanos) {
		long rttNanos = nowNanos - sentNanos - this.stalls.stalledNanos(sentNanos, nowNanos);
		long r = Math.min(MAX_MICROS, Math.max(1, rttNanos / 1000));
		long current = this.estimate.get();
		long next;
		if (current == NO_SAMPLE) {
			next = pack(r, r / 2);
		}
		else {
			long srtt = srttMicros(current);
			long rttvar = rttvarMicros(current);
			rttvar += (Math.abs(srtt - r) - rttvar) / 4;
			srtt += (r - srtt) / 8;
			next = pack(srtt, rttvar);
		}
		// A sample lost to a concurrent one is no loss: the next comes within a
		// millisecond.
		this.estimate.compareAndSet(current, next);
	}

	private static long pack(long srttMicros, long rttvarMicros) {
		return (Math.min(MAX_MICROS, Math.max(0, srttMicros)) << 32) | Math.min(MAX_MICROS, Math.max(0, rttvarMicros));
	}

	private static long srttMicros(long packed) {
		return packed >>> 32;
	}

	private static long rttvarMicros(long packed) {
		return packed & 0xFFFF_FFFFL;
	}

	private String typical() {
		Duration latency = smoothedLatency();
		return (latency != null) ? millis(latency.toNanos()) : "unknown";
	}

	static String millis(long nanos) {
		double millis = nanos / 1_000_000.0;
		return (millis < 10) ? String.format(Locale.ROOT, "%.1f ms", millis) : Math.round(millis) + " ms";
	}

	/** How long this JVM did not run since the start, as the silences discount it. */
	long totalStalledNanos() {
		return this.stalls.totalStalledNanos();
	}

}
