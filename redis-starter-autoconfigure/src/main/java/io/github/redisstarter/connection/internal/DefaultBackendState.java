package io.github.redisstarter.connection.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import io.github.redisstarter.connection.RedisEndpoint;

/**
 * The one owner of the answer to "Redis or the in-memory twins, right now?". Capabilities
 * ask it on every call and never keep their own idea of the mode; only this class
 * switches, each switch is logged once with its reason, and
 * {@link BackendSwitchListener}s hear of it once.
 *
 * <p>
 * It trips to {@link BackendMode#MEMORY} on a failure that
 * {@link RedisFailures#isUnavailable(Throwable) means Redis is away} (never on a script
 * error or WRONGTYPE). A call that merely missed its deadline is answered by the twin
 * without a switch: its {@link FailureDetector} switches only once Redis has been silent
 * for two deadlines while calls waited (our own stalls taken out), or answers slower on
 * average than the longest deadline. Only {@link BackendMonitor}'s probes bring Redis
 * back, and only once they have all succeeded for a while that grows after repeated trips
 * ({@link Recovery}). After Redis refused writes (OOM, READONLY), the probe is a write,
 * so that a server that answers PING but refuses writes is not taken back.
 */
public final class DefaultBackendState implements BackendState {

	private static final Log logger = LogFactory.getLog(BackendState.class);

	/**
	 * The shortest call deadline unless told otherwise
	 * ({@code redis-starter.call-deadline}).
	 */
	public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofMillis(100);

	/**
	 * The longest call deadline unless told otherwise
	 * ({@code redis-starter.max-call-deadline}).
	 */
	public static final Duration DEFAULT_MAX_CALL_DEADLINE = Duration.ofMillis(500);

	/**
	 * How long probes must succeed before a return, unless told otherwise
	 * ({@code redis-starter.return-after}).
	 */
	public static final Duration DEFAULT_RETURN_AFTER = Duration.ofMillis(200);

	/**
	 * The longest that wait grows to, unless told otherwise
	 * ({@code redis-starter.max-return-after}).
	 */
	public static final Duration DEFAULT_MAX_RETURN_AFTER = Duration.ofSeconds(30);

	private final BackendSelection selection;

	private final @Nullable RedisEndpoint endpoint;

	private final Secrets secrets;

	private final Clock clock;

	private final Executor listenerExecutor;

	private final List<BackendSwitchListener> listeners = new CopyOnWriteArrayList<>();

	/** Switches the listeners have not heard yet, oldest first. */
	private final Queue<BackendSwitch> unheard = new ConcurrentLinkedQueue<>();

	/** Whether a thread is telling the listeners now; guarded by {@code unheard}. */
	private boolean telling;

	private volatile Current current;

	private volatile @Nullable Ping lastPing;

	private volatile long switchCount;

	private final FailureDetector detector;

	private final Recovery recovery;

	private final LongSupplier nanoTime;

	/**
	 * Whether Redis has answered a PING since startup: then hints about a wrong set-up
	 * (TLS or not) no longer apply.
	 */
	private volatile boolean answeredOnce;

	/**
	 * The probe that takes Redis back: a write after Redis refused writes, and a look at
	 * its memory after OOM.
	 */
	private volatile Probe probe = Probe.PING;

	/**
	 * A state with the default detector and way back, and no watch on this JVM's own
	 * stalls (the {@link BackendMonitor} gives its state one).
	 * @param selection how the backend is chosen
	 * @param endpoint where the configured Redis is, or {@code null} when none is
	 * configured
	 * @param initialMode the backend to start with (the startup check decides it)
	 * @param initialReason why, for health
	 * @param secrets masks secrets in reasons
	 * @param clock the clock behind every timestamp
	 * @param listenerExecutor runs the listeners: one thread, so that they hear the
	 * switches in order
	 */
	public DefaultBackendState(BackendSelection selection, @Nullable RedisEndpoint endpoint, BackendMode initialMode,
			String initialReason, Secrets secrets, Clock clock, Executor listenerExecutor) {
		this(selection, endpoint, initialMode, initialReason, secrets, clock, listenerExecutor,
				new FailureDetector(DEFAULT_CALL_DEADLINE, DEFAULT_MAX_CALL_DEADLINE, LocalStalls.recorded()),
				new Recovery(DEFAULT_RETURN_AFTER, DEFAULT_MAX_RETURN_AFTER), System::nanoTime);
	}

	/**
	 * @param nanoTime the monotonic clock of the detector and the way back
	 * ({@code System::nanoTime} but in tests)
	 */
	DefaultBackendState(BackendSelection selection, @Nullable RedisEndpoint endpoint, BackendMode initialMode,
			String initialReason, Secrets secrets, Clock clock, Executor listenerExecutor, FailureDetector detector,
			Recovery recovery, LongSupplier nanoTime) {
		this.selection = Objects.requireNonNull(selection, "'selection' must not be null");
		this.endpoint = endpoint;
		this.secrets = secrets;
		this.clock = clock;
		this.listenerExecutor = listenerExecutor;
		this.detector = detector;
		this.recovery = recovery;
		this.nanoTime = nanoTime;
		if (initialMode == BackendMode.REDIS && endpoint == null) {
			throw new IllegalArgumentException("'initialMode' can be REDIS only when an endpoint is configured");
		}
		this.current = new Current(initialMode, clock.instant(), initialReason);
	}

	/** The starter's own state behind {@code state}: the only kind that switches. */
	static DefaultBackendState of(BackendState state) {
		if (state instanceof DefaultBackendState own) {
			return own;
		}
		throw new IllegalArgumentException(
				"'state' must be the starter's own BackendState (the redisStarterBackendState"
						+ " bean, or one made by BackendMonitor), got " + state.getClass().getName());
	}

	@Override
	public BackendMode mode() {
		return this.current.mode;
	}

	/** Whether calls should go to Redis right now. */
	@Override
	public boolean usesRedis() {
		return this.current.mode == BackendMode.REDIS;
	}

	/**
	 * Whether a failed Redis call may be answered by the in-memory twin ({@code auto}
	 * with Redis configured).
	 */
	@Override
	public boolean canFallBack() {
		return this.selection == BackendSelection.AUTO && this.endpoint != null;
	}

	@Override
	public BackendSelection selection() {
		return this.selection;
	}

	@Override
	public @Nullable RedisEndpoint endpoint() {
		return this.endpoint;
	}

	/** When the current mode began. */
	@Override
	public Instant since() {
		return this.current.since;
	}

	/** Why the current mode is in force, in words fit for a log line. */
	@Override
	public String reason() {
		return this.current.reason;
	}

	/**
	 * How many switches have happened since startup. A capability that keeps state per
	 * mode (a near cache) compares it with the count it last saw to notice a switch at
	 * once, on its own thread, before listeners hear of it.
	 */
	@Override
	public long switchCount() {
		return this.switchCount;
	}

	/** The last PING the monitor sent, or {@code null} before the first. */
	@Override
	public @Nullable Ping lastPing() {
		return this.lastPing;
	}

	@Override
	public void addListener(BackendSwitchListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	@Override
	public void removeListener(BackendSwitchListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * How long a Redis call may wait now: what this Redis usually takes, within the floor
	 * and the cap.
	 */
	@Override
	public Duration callDeadline() {
		return Duration.ofNanos(this.detector.deadlineNanos());
	}

	/**
	 * What Redis answers usually take (a smoothed round trip), or {@code null} before the
	 * first answer.
	 */
	@Override
	public @Nullable Duration typicalLatency() {
		return this.detector.smoothedLatency();
	}

	FailureDetector detector() {
		return this.detector;
	}

	@Override
	public Duration stalledTime() {
		return Duration.ofNanos(this.detector.totalStalledNanos());
	}

	/**
	 * Reports a failed Redis call. A failure that means Redis is away switches to the
	 * in-memory twins (when falling back is allowed), except a missed deadline, which
	 * switches only when the detector finds Redis hung; any other failure changes
	 * nothing.
	 * @return whether the failure means Redis cannot answer this call (the caller may
	 * answer from the twin)
	 */
	public boolean reportFailure(Throwable failure) {
		if (!RedisFailures.isUnavailable(failure)) {
			return false;
		}
		if (RedisFailures.isDeadlineMiss(failure)) {
			tripIfHung();
			return true;
		}
		trip(failure);
		return true;
	}

	/** Switches to the twins if the detector finds Redis hung now. */
	void tripIfHung() {
		String hung = this.detector.hungReason(this.nanoTime.getAsLong());
		if (hung != null && canFallBack()) {
			switchTo(BackendMode.MEMORY, hung, Probe.PING);
		}
	}

	/** A failure in a few words, secrets masked: fit for a log line. */
	public String describe(Throwable failure) {
		return this.secrets.mask(words(failure));
	}

	/**
	 * The failure in a few words, with set-up hints only while Redis has never answered.
	 */
	private String words(Throwable failure) {
		return RedisFailures.describe(failure, this.answeredOnce ? null : this.endpoint);
	}

	/**
	 * Whether the probe that takes Redis back must be a write (Redis last refused writes,
	 * not every command).
	 */
	@Override
	public boolean needsWriteProbe() {
		return this.probe == Probe.WRITE || this.probe == Probe.WRITE_WITH_ROOM;
	}

	/**
	 * Takes Redis back with this probe: for a start on the twins for a reason a PING
	 * cannot see (a permission the user lacks).
	 */
	void probeWith(Probe probe) {
		this.probe = probe;
	}

	/** The probe that takes Redis back. */
	Probe probe() {
		return this.probe;
	}

	private void trip(Throwable failure) {
		if (canFallBack()) {
			switchTo(BackendMode.MEMORY, words(failure), Probe.after(failure), RedisFailures.whatHappened(failure));
		}
	}

	/**
	 * Records a probe that succeeded (a PONG, or the write probe). On the twins in
	 * {@code auto}, Redis is taken back once probes have succeeded for the while
	 * {@link Recovery} asks, each within the longest call deadline.
	 * @param shortage after OOM, why Redis still has too little free memory, or
	 * {@code null}: then only a run of successful probes as long as the longest wait
	 * ({@code redis-starter.max-return-after}) takes Redis back
	 */
	void recordPingSuccess(Duration latency, @Nullable String shortage) {
		recordPingSuccess(latency, shortage, this.switchCount);
	}

	/**
	 * {@link #recordPingSuccess(Duration, String)} for a probe sent when
	 * {@code switchesWhenSent} switches had happened: one sent before the latest switch
	 * (a PING in flight when writes were refused) is no evidence for the way back.
	 */
	void recordPingSuccess(Duration latency, @Nullable String shortage, long switchesWhenSent) {
		this.answeredOnce = true;
		Ping previous = this.lastPing;
		this.lastPing = new Ping(this.clock.instant(), latency, shortage);
		if (!canFallBack()) {
			if (previous != null && !previous.succeeded()) {
				logger.info("Redis at " + this.endpoint + " answers again (PING " + formatMillis(latency) + ")");
			}
			return;
		}
		if (usesRedis() || switchesWhenSent != this.switchCount) {
			return;
		}
		if (this.detector.tooSlow(latency)) {
			this.recovery.unhealthy();
			return;
		}
		long healthyFor = this.recovery.healthyFor(this.nanoTime.getAsLong(), shortage != null);
		if (healthyFor >= 0) {
			switchTo(BackendMode.REDIS, this.probe.answered() + formatMillis(latency) + ", every probe for "
					+ formatDuration(Duration.ofNanos(healthyFor))
					+ ((shortage != null)
							? ", though with less than " + RedisMemory.REQUIRED_FREE_PERCENT + "% of maxmemory free"
							: ""),
					Probe.PING);
		}
	}

	void recordPingSuccess(Duration latency) {
		recordPingSuccess(latency, null, this.switchCount);
	}

	/**
	 * Records a probe that failed; in {@code auto}, a failure that means Redis is away
	 * switches to the twins.
	 */
	void recordPingFailure(Throwable failure) {
		Ping previous = this.lastPing;
		String cause = this.secrets.mask(words(failure));
		this.lastPing = new Ping(this.clock.instant(), null, cause);
		if (canFallBack()) {
			this.recovery.unhealthy();
			if (RedisFailures.isUnavailable(failure)) {
				switchTo(BackendMode.MEMORY, cause, Probe.after(failure), RedisFailures.whatHappened(failure));
			}
		}
		else if (previous == null || previous.succeeded()) {
			logger.error("Redis at " + this.endpoint + " does not answer (" + cause + "); redis-starter.mode="
					+ this.selection.name().toLowerCase(java.util.Locale.ROOT)
					+ ", so calls fail until it does; the client keeps reconnecting");
		}
	}

	private void switchTo(BackendMode target, String rawReason, Probe probe) {
		switchTo(target, rawReason, probe, "is unreachable");
	}

	/**
	 * @param whatHappened the head of the log line of a switch to the twins, such as "is
	 * unreachable"
	 */
	private void switchTo(BackendMode target, String rawReason, Probe probe, String whatHappened) {
		String reason = this.secrets.mask(rawReason);
		BackendSwitch change;
		synchronized (this) {
			Current before = this.current;
			if (before.mode == target) {
				return;
			}
			this.probe = probe;
			if (target == BackendMode.MEMORY) {
				this.recovery.tripped(this.nanoTime.getAsLong());
			}
			else {
				this.recovery.returned(this.nanoTime.getAsLong());
			}
			Instant now = this.clock.instant();
			this.current = new Current(target, now, reason);
			this.switchCount++;
			change = new BackendSwitch(before.mode, target, reason, now);
			log(change, Duration.between(before.since, now), whatHappened);
			// Queued in switch order under the lock; handed out in that order by one
			// drain at a time, whatever the
			// executor: a listener never hears "back on Redis" before the "away" that
			// preceded it.
			this.unheard.add(change);
		}
		this.listenerExecutor.execute(this::tellListeners);
	}

	private void tellListeners() {
		synchronized (this.unheard) {
			// A listener that causes a switch (on a direct executor) comes back here: the
			// loop below tells that
			// switch too, once every listener has heard the one before it.
			if (this.telling) {
				return;
			}
			this.telling = true;
			try {
				for (BackendSwitch change; (change = this.unheard.poll()) != null;) {
					for (BackendSwitchListener listener : this.listeners) {
						notify(listener, change);
					}
				}
			}
			finally {
				this.telling = false;
			}
		}
	}

	private void log(BackendSwitch change, Duration previousModeLasted, String whatHappened) {
		if (change.to() == BackendMode.MEMORY) {
			StringBuilder line = new StringBuilder("Redis at " + this.endpoint + " " + whatHappened + " ("
					+ change.reason() + "); switched to the in-memory twins until it answers again");
			for (BackendSwitchListener listener : this.listeners) {
				String effect = listener.whileAway();
				if (effect != null) {
					line.append("; ").append(effect);
				}
			}
			logger.error(line);
		}
		else {
			logger.info("Redis at " + this.endpoint + " is back (" + change.reason()
					+ "); switched back from the in-memory twins after " + formatDuration(previousModeLasted));
		}
	}

	private void notify(BackendSwitchListener listener, BackendSwitch change) {
		try {
			listener.onSwitch(change);
		}
		catch (RuntimeException ex) {
			logger.warn("Backend switch listener " + listener + " failed on " + change.from() + " -> " + change.to()
					+ ": " + this.secrets.mask(ex.toString()));
		}
	}

	private record Current(BackendMode mode, Instant since, String reason) {
	}

	/** The probe that takes Redis back after a switch to the twins. */
	enum Probe {

		/** A PING: Redis failed to answer. */
		PING,

		/** A short-lived write: Redis answered but refused writes (READONLY). */
		WRITE,

		/** A write, and enough free memory in INFO: Redis refused writes with OOM. */
		WRITE_WITH_ROOM,

		/**
		 * The check of the user's permissions: Redis refused a command, key or channel to
		 * the app's user.
		 */
		PERMISSIONS;

		/** The head of the "is back" reason. */
		String answered() {
			return switch (this) {
				case PING -> "PING answered in ";
				case WRITE, WRITE_WITH_ROOM -> "probe write answered in ";
				case PERMISSIONS -> "the user's permissions checked in ";
			};
		}

		static Probe after(Throwable failure) {
			return RedisFailures.isPermissionRefusal(failure) ? PERMISSIONS : RedisFailures.isOutOfMemory(failure)
					? WRITE_WITH_ROOM : RedisFailures.isWriteRefusal(failure) ? WRITE : PING;
		}

	}

	static String formatMillis(Duration latency) {
		return String.format(java.util.Locale.ROOT, "%.2f ms", latency.toNanos() / 1_000_000.0);
	}

	private static String formatDuration(Duration duration) {
		return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

}
