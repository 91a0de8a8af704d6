package io.github.redisstarter.connection;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides the backend at startup and keeps {@link BackendState} true afterwards by sending a PING every
 * {@code pingInterval}: a PONG while on the twins takes Redis back, a failure while on Redis trips to the twins even
 * when no caller is using Redis. Every PING is bounded by {@code pingTimeout}, so neither startup nor the monitor can
 * hang on a server that drops packets.
 */
public final class BackendMonitor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BackendMonitor.class);

	private final BackendState state;

	private final RedisPing ping;

	private final Settings settings;

	private final ScheduledExecutorService scheduler;

	private final ExecutorService pingExecutor;

	private final ExecutorService listenerExecutor;

	private final Secrets secrets;

	private @Nullable Future<Duration> pingInFlight;

	/** When the PING in flight was sent (System.nanoTime). */
	private long pingSentNanos;

	private @Nullable ScheduledFuture<?> schedule;

	private BackendMonitor(Settings settings, @Nullable RedisEndpoint endpoint, RedisPing ping, Secrets secrets,
			Clock clock) {
		this.settings = settings;
		this.ping = ping;
		this.secrets = secrets;
		this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("redis-starter-monitor"));
		this.pingExecutor = Executors.newCachedThreadPool(daemonThreads("redis-starter-ping"));
		this.listenerExecutor = Executors.newSingleThreadExecutor(daemonThreads("redis-starter-switch"));
		this.state = decideAtStartup(settings, endpoint, secrets, clock);
	}

	/**
	 * Chooses the backend (pinging Redis when it is configured), logs the choice once, and returns a monitor that is
	 * ready to {@link #start()}.
	 * @param endpoint the configured Redis, or {@code null} when none is configured
	 * @throws RedisUnreachableException when Redis is required but not configured or not answering
	 */
	public static BackendMonitor startUp(Settings settings, @Nullable RedisEndpoint endpoint, RedisPing ping,
			Secrets secrets, Clock clock) {
		return new BackendMonitor(settings, endpoint, ping, secrets, clock);
	}

	private BackendState decideAtStartup(Settings settings, @Nullable RedisEndpoint endpoint, Secrets secrets,
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
					+ "local to this instance. Set REDIS_URL (or spring.data.redis.url / spring.data.redis.host) to "
					+ "share them through Redis");
			return newState(selection, null, BackendMode.MEMORY, "no Redis configured", secrets, clock);
		}
		PingOutcome outcome = pingWithin(settings.pingTimeout());
		Duration latency = outcome.latency();
		if (latency != null) {
			BackendState state = newState(selection, endpoint, BackendMode.REDIS, "PING answered at startup", secrets,
					clock);
			logger.info("Using Redis at " + endpoint + " (PING " + BackendState.Ping.formatMillis(latency) + ")");
			state.recordPingSuccess(latency);
			return state;
		}
		Throwable failure = Objects.requireNonNull(outcome.failure());
		String cause = secrets.mask(RedisFailures.describe(failure, endpoint));
		if (settings.required()) {
			throw new RedisUnreachableException(endpoint, cause);
		}
		if (selection == BackendSelection.REDIS) {
			BackendState state = newState(selection, endpoint, BackendMode.REDIS, "redis-starter.mode=redis", secrets,
					clock);
			state.recordPingFailure(failure);
			return state;
		}
		logger.error("Redis at " + endpoint + " is unreachable (" + cause + "); using the in-memory twins and "
				+ "taking Redis back as soon as it answers (checked every " + format(settings.pingInterval()) + ")");
		BackendState state = newState(selection, endpoint, BackendMode.MEMORY, cause, secrets, clock);
		state.recordPingFailure(failure);
		return state;
	}

	private BackendState newState(BackendSelection selection, @Nullable RedisEndpoint endpoint, BackendMode mode,
			String reason, Secrets secrets, Clock clock) {
		return new BackendState(selection, endpoint, mode, reason, secrets, clock, this.listenerExecutor,
				this.settings.deadlineMisses(), this.settings.missWindow());
	}

	public BackendState state() {
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
	}

	/**
	 * Sends one PING now (or waits on for the one in flight) and updates the state with its outcome. On Redis, a PING
	 * that has not answered within the call deadline counts as a missed deadline, as any call's would, and so does the
	 * same PING still unanswered one miss window later: a hung Redis is left within about a deadline plus a window of
	 * this check, even when no caller is using it. The PING itself is waited for until the PING timeout, over as many
	 * checks as it takes.
	 */
	void check() {
		if (!this.state.usesRedis()) {
			record(pingWithin(this.settings.pingTimeout()));
			return;
		}
		Duration deadline = min(this.settings.callDeadline(), this.settings.pingTimeout());
		PingOutcome outcome = pingWithin(deadline);
		if (outcome.inFlight()) {
			this.state.reportFailure(new RedisDeadlineMissedException("PING got no answer within " + format(deadline)));
			outcome = pingWithin(this.settings.missWindow());
			if (outcome.inFlight()) {
				this.state.reportFailure(new RedisDeadlineMissedException(
						"PING got no answer within " + format(deadline.plus(this.settings.missWindow()))));
				return;
			}
		}
		record(outcome);
	}

	private void record(PingOutcome outcome) {
		if (outcome.latency() != null) {
			this.state.recordPingSuccess(outcome.latency());
		}
		else if (outcome.failure() != null) {
			this.state.recordPingFailure(outcome.failure());
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
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
	 * One PING, waited for at most {@code wait}; at most one is in flight, so a server that swallows PINGs does not
	 * pile up threads. Neither latency nor failure: still in flight, and younger than the PING timeout.
	 */
	private synchronized PingOutcome pingWithin(Duration wait) {
		Future<Duration> inFlight = this.pingInFlight;
		if (inFlight == null || inFlight.isDone()) {
			// Before startup decides, there is no state yet: a plain PING then.
			boolean write = this.state != null && !this.state.usesRedis() && this.state.needsWriteProbe();
			inFlight = this.pingExecutor.submit(() -> {
				long start = System.nanoTime();
				if (write) {
					this.ping.probeWrite();
				}
				else {
					this.ping.ping();
				}
				return Duration.ofNanos(System.nanoTime() - start);
			});
			this.pingInFlight = inFlight;
			this.pingSentNanos = System.nanoTime();
		}
		try {
			return new PingOutcome(inFlight.get(wait.toMillis(), TimeUnit.MILLISECONDS), null);
		}
		catch (TimeoutException ex) {
			Duration timeout = this.settings.pingTimeout();
			if (System.nanoTime() - this.pingSentNanos < timeout.toNanos() - TimeUnit.MILLISECONDS.toNanos(1)) {
				// Not answered yet, but not timed out either.
				return new PingOutcome(null, null);
			}
			return new PingOutcome(null, new TimeoutException("no answer to PING within " + format(timeout)));
		}
		catch (ExecutionException ex) {
			return new PingOutcome(null, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new PingOutcome(null, ex);
		}
	}

	/** The latency of a PONG, or why there was none, or neither while the PING is still in flight. */
	private record PingOutcome(@Nullable Duration latency, @Nullable Throwable failure) {

		boolean inFlight() {
			return this.latency == null && this.failure == null;
		}
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return runnable -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * How the monitor behaves.
	 *
	 * @param selection how the backend is chosen ({@code redis-starter.mode})
	 * @param required whether startup fails when Redis is not usable
	 * @param pingTimeout how long a PING may take before Redis counts as unreachable
	 * @param pingInterval how often Redis is pinged
	 * @param deadlineMisses how many calls in a row must miss their deadline to switch to the twins
	 * @param callDeadline how long a call (the monitor's PING too, while on Redis) may take before it counts as a miss
	 */
	public record Settings(BackendSelection selection, boolean required, Duration pingTimeout, Duration pingInterval,
			int deadlineMisses, Duration callDeadline) {

		public Settings {
			Objects.requireNonNull(selection, "'selection' must not be null");
			requirePositive(pingTimeout, "pingTimeout");
			requirePositive(pingInterval, "pingInterval");
			requirePositive(callDeadline, "callDeadline");
			if (deadlineMisses < 1) {
				throw new IllegalArgumentException("'deadlineMisses' must be at least 1, got " + deadlineMisses);
			}
		}

		/**
		 * How long a run of missed deadlines may last before its next miss switches, however few the calls: two call
		 * deadlines, so that Redis silent for that long is left, and one slow answer is not.
		 */
		public Duration missWindow() {
			return this.callDeadline.multipliedBy(2);
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
