package io.github.redisstarter.connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one owner of the answer to "Redis or the in-memory twins, right now?". Capabilities ask it on every call and never
 * keep their own idea of the mode; only this class switches, each switch is logged once with its reason, and
 * {@link BackendSwitchListener}s hear of it once.
 *
 * <p>
 * It trips to {@link BackendMode#MEMORY} on a failure that {@link RedisFailures#isUnavailable(Throwable) means Redis
 * is away} (never on a script error or WRONGTYPE), and only {@link BackendMonitor}'s successful PING brings it back.
 */
public final class BackendState {

	private static final Log logger = LogFactory.getLog(BackendState.class);

	private final BackendSelection selection;

	private final @Nullable RedisEndpoint endpoint;

	private final Secrets secrets;

	private final Clock clock;

	private final Executor listenerExecutor;

	private final List<BackendSwitchListener> listeners = new CopyOnWriteArrayList<>();

	private volatile Current current;

	private volatile @Nullable Ping lastPing;

	private volatile long switchCount;

	/**
	 * @param selection how the backend is chosen
	 * @param endpoint where the configured Redis is, or {@code null} when none is configured
	 * @param initialMode the backend to start with (the startup check decides it)
	 * @param initialReason why, for health
	 * @param secrets masks secrets in reasons
	 * @param clock the clock behind every timestamp
	 * @param listenerExecutor runs the listeners: one thread, so that they hear the switches in order
	 */
	public BackendState(BackendSelection selection, @Nullable RedisEndpoint endpoint, BackendMode initialMode,
			String initialReason, Secrets secrets, Clock clock, Executor listenerExecutor) {
		this.selection = Objects.requireNonNull(selection, "'selection' must not be null");
		this.endpoint = endpoint;
		this.secrets = secrets;
		this.clock = clock;
		this.listenerExecutor = listenerExecutor;
		if (initialMode == BackendMode.REDIS && endpoint == null) {
			throw new IllegalArgumentException("'initialMode' can be REDIS only when an endpoint is configured");
		}
		this.current = new Current(initialMode, clock.instant(), initialReason);
	}

	public BackendMode mode() {
		return this.current.mode;
	}

	/** Whether calls should go to Redis right now. */
	public boolean usesRedis() {
		return this.current.mode == BackendMode.REDIS;
	}

	/** Whether a failed Redis call may be answered by the in-memory twin ({@code auto} with Redis configured). */
	public boolean canFallBack() {
		return this.selection == BackendSelection.AUTO && this.endpoint != null;
	}

	public BackendSelection selection() {
		return this.selection;
	}

	public @Nullable RedisEndpoint endpoint() {
		return this.endpoint;
	}

	/** When the current mode began. */
	public Instant since() {
		return this.current.since;
	}

	/** Why the current mode is in force, in words fit for a log line. */
	public String reason() {
		return this.current.reason;
	}

	/**
	 * How many switches have happened since startup. A capability that keeps state per mode (a near cache) compares
	 * it with the count it last saw to notice a switch at once, on its own thread, before listeners hear of it.
	 */
	public long switchCount() {
		return this.switchCount;
	}

	/** The last PING the monitor sent, or {@code null} before the first. */
	public @Nullable Ping lastPing() {
		return this.lastPing;
	}

	public void addListener(BackendSwitchListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	public void removeListener(BackendSwitchListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Reports a failed Redis call. A failure that means Redis is away switches to the in-memory twins (when falling
	 * back is allowed); any other failure changes nothing.
	 * @return whether the failure means Redis is away
	 */
	public boolean reportFailure(Throwable failure) {
		if (!RedisFailures.isUnavailable(failure)) {
			return false;
		}
		if (canFallBack()) {
			switchTo(BackendMode.MEMORY, RedisFailures.describe(failure, this.endpoint));
		}
		return true;
	}

	/** Records a PING that got its PONG; in {@code auto}, takes Redis back. */
	void recordPingSuccess(Duration latency) {
		Ping previous = this.lastPing;
		this.lastPing = new Ping(this.clock.instant(), latency, null);
		if (canFallBack()) {
			switchTo(BackendMode.REDIS, "PING answered in " + Ping.formatMillis(latency));
		}
		else if (previous != null && !previous.succeeded()) {
			logger.info("Redis at " + this.endpoint + " answers again (PING " + Ping.formatMillis(latency) + ")");
		}
	}

	/** Records a PING that failed; in {@code auto}, a failure that means Redis is away switches to the twins. */
	void recordPingFailure(Throwable failure) {
		Ping previous = this.lastPing;
		String cause = this.secrets.mask(RedisFailures.describe(failure, this.endpoint));
		this.lastPing = new Ping(this.clock.instant(), null, cause);
		if (canFallBack()) {
			if (RedisFailures.isUnavailable(failure)) {
				switchTo(BackendMode.MEMORY, cause);
			}
		}
		else if (previous == null || previous.succeeded()) {
			logger.error("Redis at " + this.endpoint + " does not answer (" + cause + "); redis-starter.mode="
					+ this.selection.name().toLowerCase(java.util.Locale.ROOT)
					+ ", so calls fail until it does; the client keeps reconnecting");
		}
	}

	private void switchTo(BackendMode target, String rawReason) {
		String reason = this.secrets.mask(rawReason);
		BackendSwitch change;
		synchronized (this) {
			Current before = this.current;
			if (before.mode == target) {
				return;
			}
			Instant now = this.clock.instant();
			this.current = new Current(target, now, reason);
			this.switchCount++;
			change = new BackendSwitch(before.mode, target, reason, now);
			log(change, Duration.between(before.since, now));
		}
		for (BackendSwitchListener listener : this.listeners) {
			this.listenerExecutor.execute(() -> notify(listener, change));
		}
	}

	private void log(BackendSwitch change, Duration previousModeLasted) {
		if (change.to() == BackendMode.MEMORY) {
			logger.error("Redis at " + this.endpoint + " is unreachable (" + change.reason()
					+ "); switched to the in-memory twins until it answers again");
		}
		else {
			logger.info("Redis at " + this.endpoint + " is back (" + change.reason()
					+ "); switched back from the in-memory twins after " + Ping.formatDuration(previousModeLasted));
		}
	}

	private void notify(BackendSwitchListener listener, BackendSwitch change) {
		try {
			listener.onSwitch(change);
		}
		catch (RuntimeException ex) {
			logger.warn("Backend switch listener " + listener + " failed on " + change.from() + " -> " + change.to() + ": "
					+ this.secrets.mask(ex.toString()));
		}
	}

	private record Current(BackendMode mode, Instant since, String reason) {
	}

	/**
	 * One PING of the monitor.
	 *
	 * @param at when it completed
	 * @param latency how long it took, or {@code null} when it failed
	 * @param failure why it failed (masked), or {@code null}
	 */
	public record Ping(Instant at, @Nullable Duration latency, @Nullable String failure) {

		public boolean succeeded() {
			return this.failure == null;
		}

		static String formatMillis(Duration latency) {
			return String.format(java.util.Locale.ROOT, "%.2f ms", latency.toNanos() / 1_000_000.0);
		}

		static String formatDuration(Duration duration) {
			return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
		}

	}

}
