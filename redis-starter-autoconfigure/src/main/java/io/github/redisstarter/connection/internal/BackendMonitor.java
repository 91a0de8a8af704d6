package io.github.redisstarter.connection.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.RedisPermissionException;
import io.github.redisstarter.connection.RedisUnreachableException;

/**
 * Decides the backend at startup and keeps {@link DefaultBackendState} true afterwards by
 * sending a PING every {@code pingInterval}: while on the twins, probes that keep
 * succeeding take Redis back; while on Redis, a failure, or a PING that the detector
 * finds part of a silence too long, trips to the twins even when no caller is using
 * Redis. Every PING is bounded by {@code pingTimeout}, so neither startup nor the monitor
 * can hang on a server that drops packets. It also runs the watch on this JVM's own
 * stalls ({@link LocalStalls}) that the detector discounts.
 */
public final class BackendMonitor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BackendMonitor.class);

	private final DefaultBackendState state;

	private final RedisPing ping;

	private final Settings settings;

	private final ScheduledExecutorService scheduler;

	private final ExecutorService pingExecutor;

	private final ExecutorService listenerExecutor;

	private final Secrets secrets;

	private final LocalStalls stalls;

	/**
	 * The longest a startup step waits, in PING timeouts, however little this JVM ran
	 * meanwhile.
	 */
	private static final int STARTUP_WAIT_BOUND = 3;

	private @Nullable Future<Probed> pingInFlight;

	/** When the PING in flight was sent (System.nanoTime). */
	private long pingSentNanos;

	/**
	 * How many switches had happened when the probe in flight was sent: one sent before a
	 * switch is no evidence after it.
	 */
	private long pingSwitches;

	private @Nullable ScheduledFuture<?> schedule;

	private BackendMonitor(Settings settings, @Nullable RedisEndpoint endpoint, RedisPing ping, Secrets secrets,
			Clock clock) {
		this.settings = settings;
		this.ping = ping;
		this.secrets = secrets;
		this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("monitor"));
		this.pingExecutor = Executors.newCachedThreadPool(DaemonThreads.named("ping"));
		this.listenerExecutor = Executors.newSingleThreadExecutor(DaemonThreads.named("switch"));
		this.stalls = (endpoint != null && settings.selection() != BackendSelection.MEMORY) ? LocalStalls.start()
				: LocalStalls.recorded();
		try {
			this.state = decideAtStartup(settings, endpoint, secrets, clock);
		}
		catch (RuntimeException ex) {
			// Startup stops (Redis required but unusable): no thread of this monitor may
			// outlive it.
			close();
			throw ex;
		}
		// At once, not when the context has started: a Redis missed at startup is taken
		// back without waiting for the
		// rest of the app to start.
		start();
	}

	/**
	 * Chooses the backend (connecting, then pinging Redis when it is configured), logs
	 * the choice once, and returns a monitor that pings every {@code pingInterval} from
	 * then on.
	 * @param endpoint the configured Redis, or {@code null} when none is configured
	 * @throws RedisUnreachableException when Redis is required but not configured or not
	 * answering
	 */
	public static BackendMonitor startUp(Settings settings, @Nullable RedisEndpoint endpoint, RedisPing ping,
			Secrets secrets, Clock clock) {
		return new BackendMonitor(settings, endpoint, ping, secrets, clock);
	}

	private DefaultBackendState decideAtStartup(Settings settings, @Nullable RedisEndpoint endpoint, Secrets secrets,
			Clock clock) {
		BackendSelection selection = settings.selection();
		if (selection == BackendSelection.MEMORY) {
			if (settings.required()) {
				logger.warn("redis-starter.required=true has no effect with redis-starter.mode=memory");
			}
			logger.info("redis-starter.mode=memory: using the in-memory twins; Redis is never contacted");
			return newState(selection, null, BackendMode.MEMORY, "redis-starter.mode=memory", secrets, clock);
		}
		if (endpoint == null) {
			if (settings.required()) {
				throw new RedisUnreachableException(null, "redis-starter.required=true");
			}
			logger.warn("No Redis configured: using the in-memory twins, so rate limits, caches and broadcasts stay "
					+ "local to this instance, and jobs run in this instance only and are lost when it stops. Set "
					+ "REDIS_URL (or spring.data.redis.url / spring.data.redis.host) to share them through Redis");
			return newState(selection, null, BackendMode.MEMORY, "no Redis configured", secrets, clock);
		}
		// The client's cold start (class loading, Netty, the first connect) is not Redis'
		// latency: connect first, then
		// time the PING. The connection is bounded by the client's own connect and
		// command timeouts, which fail an
		// address that drops packets or a server that never answers; on a starved machine
		// the cold start alone can
		// take seconds of this JVM's share of the CPU, so only the wall-time bound
		// applies to it.
		long connectStart = System.nanoTime();
		PingOutcome outcome = startupWait(() -> {
			this.ping.connect();
			return null;
		}, "no connection", false);
		Duration connected = Duration.ofNanos(System.nanoTime() - connectStart);
		if (outcome.failure() == null) {
			outcome = startupWait(() -> {
				long start = System.nanoTime();
				this.ping.ping();
				return new Probed(Duration.ofNanos(System.nanoTime() - start), null);
			}, "no answer to PING", true);
		}
		// A permission check that did not finish is no evidence that the user has what it
		// needs: then the way back goes through the check.
		boolean permissionsUnchecked = false;
		if (outcome.latency() != null) {
			PingOutcome checked = startupWait(() -> {
				this.ping.checkPermissions();
				return null;
			}, "no answer to the permission check", true);
			if (checked.failure() != null) {
				permissionsUnchecked = !(checked.failure() instanceof RedisPermissionException);
				outcome = checked;
			}
		}
		Duration latency = outcome.latency();
		if (latency != null) {
			DefaultBackendState state = newState(selection, endpoint, BackendMode.REDIS, "PING answered at startup",
					secrets, clock);
			logger.info("Using Redis at " + endpoint + " (PING " + DefaultBackendState.formatMillis(latency)
					+ ", connected in " + FailureDetector.millis(connected.toNanos()) + ")");
			state.recordPingSuccess(latency);
			return state;
		}
		Throwable failure = Objects.requireNonNull(outcome.failure());
		String cause = secrets.mask(RedisFailures.describe(failure, endpoint));
		if (settings.required()) {
			if (failure instanceof RedisPermissionException refused) {
				throw refused;
			}
			throw new RedisUnreachableException(endpoint, cause);
		}
		if (selection == BackendSelection.REDIS) {
			DefaultBackendState state = newState(selection, endpoint, BackendMode.REDIS, "redis-starter.mode=redis",
					secrets, clock);
			state.recordPingFailure(failure);
			return state;
		}
		logger.error("Redis at " + endpoint + " " + RedisFailures.whatHappened(failure) + " (" + cause
				+ "); using the in-memory twins and taking Redis back as soon as "
				+ (RedisFailures.isPermissionRefusal(failure) ? "the user has them" : "it answers") + " (checked every "
				+ format(settings.pingInterval()) + ")");
		DefaultBackendState state = newState(selection, endpoint, BackendMode.MEMORY, cause, secrets, clock);
		state.recordPingFailure(failure);
		state.probeWith(permissionsUnchecked ? DefaultBackendState.Probe.PERMISSIONS
				: DefaultBackendState.Probe.after(failure));
		return state;
	}

	private DefaultBackendState newState(BackendSelection selection, @Nullable RedisEndpoint endpoint, BackendMode mode,
			String reason, Secrets secrets, Clock clock) {
		return new DefaultBackendState(selection, endpoint, mode, reason, secrets, clock, this.listenerExecutor,
				new FailureDetector(this.settings.callDeadline(), this.settings.maxCallDeadline(), this.stalls),
				new Recovery(this.settings.returnAfter(), this.settings.maxReturnAfter()), System::nanoTime);
	}

	public DefaultBackendState state() {
		return this.state;
	}

	/** Starts the periodic PING; nothing to do when Redis is never used. */
	public synchronized void start() {
		if (this.schedule != null || this.state.endpoint() == null) {
			return;
		}
		long interval = this.settings.pingInterval().toMillis();
		this.schedule = this.scheduler.scheduleWithFixedDelay(this::checkSafely, interval, interval,
				TimeUnit.MILLISECONDS);
	}

	public synchronized void stop() {
		if (this.schedule != null) {
			this.schedule.cancel(false);
			this.schedule = null;
		}
	}

	public boolean isRunning() {
		return this.schedule != null;
	}

	@Override
	public void close() {
		stop();
		this.scheduler.shutdownNow();
		this.pingExecutor.shutdownNow();
		this.listenerExecutor.shutdown();
		this.stalls.close();
		if (this.ping instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close the monitor's connection: " + this.secrets.mask(ex.toString()));
			}
		}
	}

	/**
	 * Sends one PING now (or waits on for the one in flight) and updates the state with
	 * its outcome. On Redis, a PING that has not answered within the call deadline is a
	 * call waiting on a silent Redis, as any call's would be: the check waits one more
	 * deadline for it and then asks the detector whether the silence makes Redis hung, so
	 * that a hung Redis is left within about two deadlines of a check even when no caller
	 * is using it. The PING itself is waited for, over later checks, for as long as it
	 * takes.
	 */
	void check() {
		if (!this.state.usesRedis()) {
			record(pingWithin(this.settings.pingTimeout()));
			return;
		}
		Duration deadline = this.state.callDeadline();
		PingOutcome outcome = pingWithin(deadline);
		if (outcome.inFlight()) {
			stillWaiting();
			outcome = pingWithin(deadline);
		}
		if (outcome.inFlight() || outcome.failure() instanceof TimeoutException) {
			// Older than the PING timeout, or still waiting: the silence is the
			// detector's to judge.
			stillWaiting();
			this.state.tripIfHung();
			return;
		}
		record(outcome);
	}

	/**
	 * Tells the detector that the PING in flight is still waiting; if it answered in the
	 * meantime (after the wait timed out, before the detector heard), its answer ends
	 * that silence again.
	 */
	private synchronized void stillWaiting() {
		Future<Probed> inFlight = this.pingInFlight;
		this.state.detector().unanswered(this.pingSentNanos);
		if (inFlight != null && inFlight.isDone() && waitFor(inFlight, Duration.ZERO, "").latency() != null) {
			this.state.detector().endSilenceUpTo(this.pingSentNanos);
		}
	}

	private void record(PingOutcome outcome) {
		if (outcome.latency() != null) {
			this.state.recordPingSuccess(outcome.latency(), outcome.shortage(), this.pingSwitches);
		}
		else if (outcome.failure() != null) {
			this.state.recordPingFailure(outcome.failure());
		}
	}

	private void checkSafely() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			logger.warn("Redis PING check failed unexpectedly: " + this.secrets.mask(ex.toString()));
		}
	}

	/**
	 * One probe, waited for at most {@code wait}; at most one is in flight, so a server
	 * that swallows PINGs does not pile up threads. Neither latency nor failure: still in
	 * flight, and younger than the PING timeout. What Redis answers, in time or not, goes
	 * to the detector as any call's answer does. On the twins after Redis refused writes,
	 * the probe is a write, and after OOM also a look at Redis' memory.
	 */
	private synchronized PingOutcome pingWithin(Duration wait) {
		Future<Probed> inFlight = this.pingInFlight;
		if (inFlight == null || inFlight.isDone()) {
			long switches = this.state.switchCount();
			DefaultBackendState.Probe probe = this.state.usesRedis() ? DefaultBackendState.Probe.PING
					: this.state.probe();
			FailureDetector detector = this.state.detector();
			long sent = System.nanoTime();
			inFlight = this.pingExecutor.submit(() -> {
				String shortage = null;
				// Steps of several round trips (the permission check, a cluster's
				// topology
				// reload) come first and are not timed: the latency that decides the way
				// back is that of one probe.
				if (probe == DefaultBackendState.Probe.PERMISSIONS) {
					this.ping.checkPermissions();
				}
				this.ping.prepare();
				long start = System.nanoTime();
				try {
					switch (probe) {
						case PING, PERMISSIONS -> this.ping.ping();
						case WRITE -> this.ping.probeWrite();
						case WRITE_WITH_ROOM -> {
							this.ping.probeWrite();
							RedisMemory memory = this.ping.memory();
							shortage = (memory != null && !memory.hasRoomForWrites()) ? memory.describeShortage()
									: null;
						}
					}
				}
				catch (RuntimeException ex) {
					if (RedisFailures.isReply(ex)) {
						detector.answered(start, System.nanoTime());
					}
					throw ex;
				}
				long end = System.nanoTime();
				detector.answered(start, end);
				// What Redis took: a stall of this JVM while the probe waited is not
				// Redis' latency.
				return new Probed(Duration.ofNanos(end - start - this.stalls.stalledNanos(start, end)), shortage);
			});
			this.pingInFlight = inFlight;
			this.pingSentNanos = sent;
			this.pingSwitches = switches;
		}
		return waitFor(inFlight, wait, "no answer to PING");
	}

	/**
	 * Runs one step of the startup decision and waits for it for up to the PING timeout
	 * of time this JVM was running (when {@code runningTimeBound}): a machine so busy
	 * that the app itself hardly runs does not make a Redis that answers look
	 * unreachable. The wait is bounded all the same, at {@value #STARTUP_WAIT_BOUND} PING
	 * timeouts.
	 */
	private PingOutcome startupWait(Callable<@Nullable Probed> step, String nothing, boolean runningTimeBound) {
		Future<@Nullable Probed> running = this.pingExecutor.submit(step);
		long timeout = this.settings.pingTimeout().toNanos();
		long start = System.nanoTime();
		while (true) {
			long now = System.nanoTime();
			long wallLeft = STARTUP_WAIT_BOUND * timeout - (now - start);
			long left = runningTimeBound
					? Math.min(timeout - (now - start - this.stalls.stalledNanos(start, now)), wallLeft) : wallLeft;
			if (left <= 0) {
				// The step goes on in the background, bounded by the client's own
				// timeouts.
				return new PingOutcome(null, null, new TimeoutException(nothing + " within " + format(runningTimeBound
						? this.settings.pingTimeout() : this.settings.pingTimeout().multipliedBy(STARTUP_WAIT_BOUND))));
			}
			try {
				Probed probed = running.get(left, TimeUnit.NANOSECONDS);
				return (probed != null) ? new PingOutcome(probed.latency(), null, null)
						: new PingOutcome(Duration.ZERO, null, null);
			}
			catch (TimeoutException ex) {
				// Loop: the time this JVM was stalled meanwhile is not charged.
			}
			catch (ExecutionException ex) {
				return new PingOutcome(null, null, (ex.getCause() != null) ? ex.getCause() : ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new PingOutcome(null, null, ex);
			}
		}
	}

	/**
	 * @param nothing what a timeout means, such as {@code "no answer to PING"}
	 */
	private PingOutcome waitFor(Future<Probed> inFlight, Duration wait, String nothing) {
		try {
			Probed probed = inFlight.get(wait.toNanos(), TimeUnit.NANOSECONDS);
			return new PingOutcome(probed.latency(), probed.shortage(), null);
		}
		catch (TimeoutException ex) {
			Duration timeout = this.settings.pingTimeout();
			if (wait.compareTo(timeout) < 0
					&& System.nanoTime() - this.pingSentNanos < timeout.toNanos() - TimeUnit.MILLISECONDS.toNanos(1)) {
				// Not answered yet, but not timed out either.
				return new PingOutcome(null, null, null);
			}
			return new PingOutcome(null, null, new TimeoutException(nothing + " within " + format(timeout)));
		}
		catch (ExecutionException ex) {
			return new PingOutcome(null, null, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new PingOutcome(null, null, ex);
		}
	}

	/**
	 * What a probe that answered found: its latency, and after OOM why Redis has too
	 * little room yet, if it has.
	 */
	private record Probed(Duration latency, @Nullable String shortage) {
	}

	/**
	 * The latency of an answer, or why there was none, or neither while the probe is
	 * still in flight.
	 */
	private record PingOutcome(@Nullable Duration latency, @Nullable String shortage, @Nullable Throwable failure) {

		boolean inFlight() {
			return this.latency == null && this.failure == null;
		}
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	/**
	 * How the monitor behaves.
	 *
	 * @param selection how the backend is chosen ({@code redis-starter.mode})
	 * @param required whether startup fails when Redis is not usable
	 * @param pingTimeout how long a PING may take before Redis counts as unreachable
	 * @param pingInterval how often Redis is pinged
	 * @param callDeadline the shortest a call (the monitor's PING too, while on Redis)
	 * waits before it counts as late
	 * @param maxCallDeadline the longest a call waits, however slow Redis has been;
	 * slower on average is hung
	 * @param returnAfter how long probes must all succeed before the app returns to Redis
	 * @param maxReturnAfter how long that grows to after repeated trips
	 */
	public record Settings(BackendSelection selection, boolean required, Duration pingTimeout, Duration pingInterval,
			Duration callDeadline, Duration maxCallDeadline, Duration returnAfter, Duration maxReturnAfter) {

		public Settings {
			Objects.requireNonNull(selection, "'selection' must not be null");
			requirePositive(pingTimeout, "pingTimeout");
			requirePositive(pingInterval, "pingInterval");
			requirePositive(callDeadline, "callDeadline");
			requirePositive(maxCallDeadline, "maxCallDeadline");
			requirePositive(returnAfter, "returnAfter");
			requirePositive(maxReturnAfter, "maxReturnAfter");
			if (maxCallDeadline.compareTo(callDeadline) < 0) {
				throw new IllegalArgumentException("'maxCallDeadline' (" + maxCallDeadline
						+ ") must not be shorter than 'callDeadline' (" + callDeadline + ")");
			}
			if (maxReturnAfter.compareTo(returnAfter) < 0) {
				throw new IllegalArgumentException("'maxReturnAfter' (" + maxReturnAfter
						+ ") must not be shorter than 'returnAfter' (" + returnAfter + ")");
			}
		}

		private static void requirePositive(Duration duration, String name) {
			if (duration == null || duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("'" + name + "' must be a positive duration, got " + duration);
			}
		}

		@Override
		public String toString() {
			return "mode=" + this.selection.name().toLowerCase(Locale.ROOT) + ", required=" + this.required;
		}

	}

}
