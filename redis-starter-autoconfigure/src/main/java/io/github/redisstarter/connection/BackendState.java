package io.github.redisstarter.connection;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The answer to "Redis or the in-memory twins, right now?", which every capability asks
 * on every call. Only the starter switches it: a failed Redis call reaches it through
 * {@link Failover}, and the starter's monitor takes Redis back once its probes succeed.
 * Each switch is logged once with its reason, and {@link BackendSwitchListener}s hear of
 * it once, in order.
 */
public interface BackendState {

	BackendMode mode();

	/** Whether calls should go to Redis right now. */
	boolean usesRedis();

	/**
	 * Whether a failed Redis call may be answered by the in-memory twin ({@code auto}
	 * with Redis configured).
	 */
	boolean canFallBack();

	BackendSelection selection();

	/** Where the configured Redis is, or {@code null} when none is configured. */
	@Nullable RedisEndpoint endpoint();

	/** When the current mode began. */
	Instant since();

	/**
	 * Why the current mode is in force, in words fit for a log line (never holds a
	 * secret).
	 */
	String reason();

	/**
	 * How many switches have happened since startup. A capability that keeps state per
	 * mode (a near cache) compares it with the count it last saw to notice a switch at
	 * once, on its own thread, before listeners hear of it.
	 */
	long switchCount();

	/** The last probe the monitor sent, or {@code null} before the first. */
	@Nullable Ping lastPing();

	void addListener(BackendSwitchListener listener);

	void removeListener(BackendSwitchListener listener);

	/**
	 * How long a Redis call may wait now: what this Redis usually takes, within the floor
	 * and the cap.
	 */
	Duration callDeadline();

	/**
	 * What Redis answers usually take (a smoothed round trip), or {@code null} before the
	 * first answer.
	 */
	@Nullable Duration typicalLatency();

	/**
	 * How long this JVM did not run since startup (GC pauses, a starved or throttled CPU,
	 * a stopped process), as the failure detector measured it to leave it out of Redis'
	 * silences: a switch while this grew fast points at the app, not at Redis. Zero where
	 * nothing is measured (no Redis configured, {@code mode=memory}).
	 */
	default Duration stalledTime() {
		return Duration.ZERO;
	}

	/**
	 * Whether the probe that takes Redis back must be a write (Redis last refused writes,
	 * not every command).
	 */
	boolean needsWriteProbe();

	/**
	 * One probe of the monitor.
	 *
	 * @param at when it completed
	 * @param latency how long it took, or {@code null} when it failed
	 * @param failure why it failed (masked), or why Redis, though it answered, may not be
	 * taken back yet (too little free memory after OOM); {@code null} when neither
	 */
	record Ping(Instant at, @Nullable Duration latency, @Nullable String failure) {

		public boolean succeeded() {
			return this.failure == null;
		}

	}

}
