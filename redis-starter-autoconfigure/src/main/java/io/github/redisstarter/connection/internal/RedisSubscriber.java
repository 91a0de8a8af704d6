package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The app's one Redis pub/sub connection, shared by every capability that listens (cache
 * invalidations, broadcasts). Redis is subscribed only to the channels and patterns that
 * have listeners. Lettuce re-subscribes after a reconnect, and this class subscribes
 * everything again as well, so that a subscription asked for while the connection was
 * down is not lost.
 *
 * <p>
 * Messages published while the connection is down are lost (pub/sub is at-most-once).
 * Listeners hear of every such gap ({@link Listener#onGap()}): when the connection drops,
 * when their own channel's subscription is confirmed (again), and when the connection
 * stops answering.
 *
 * <p>
 * An open connection is not proof of a live one: a NAT or load balancer may drop an idle
 * connection without a word. So the connection is heartbeaten: a PING every quarter of
 * the {@code lease}, which Redis answers on the same connection after every message it
 * sent before. A channel is {@link #isLive(String) live} only while a PING sent within
 * the lease has been answered: then every message Redis published before that PING has
 * been delivered. A PING unanswered for the lease is a gap; one unanswered for
 * {@value #RECONNECT_AFTER_LEASES} leases (at least {@value #RECONNECT_AFTER_MIN_SECONDS}
 * s) closes the connection and opens a new one.
 *
 * <p>
 * The connection is opened lazily, off the caller's thread; while anyone listens, a
 * failed attempt is retried a second later, until one succeeds (then Lettuce keeps it
 * connected).
 */
public final class RedisSubscriber implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisSubscriber.class);

	/**
	 * How long an answered heartbeat vouches for the subscription, unless told otherwise.
	 */
	public static final Duration DEFAULT_LEASE = Duration.ofSeconds(1);

	static final int RECONNECT_AFTER_LEASES = 10;

	static final int RECONNECT_AFTER_MIN_SECONDS = 5;

	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long NONE = Long.MIN_VALUE;

	private final Supplier<StatefulRedisPubSubConnection<String, String>> connector;

	private final Secrets secrets;

	private final long leaseNanos;

	private final Map<String, List<Listener>> channels = new ConcurrentHashMap<>();

	private final Map<String, List<Listener>> patterns = new ConcurrentHashMap<>();

	/** The channels and patterns Redis confirmed on the current connection. */
	private final Set<String> confirmedChannels = ConcurrentHashMap.newKeySet();

	private final Set<String> confirmedPatterns = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService scheduler = Executors
		.newSingleThreadScheduledExecutor(DaemonThreads.named("subscriber"));

	private volatile @Nullable StatefulRedisPubSubConnection<String, String> connection;

	/**
	 * When the newest answered PING on the current connection was sent; NONE before one.
	 */
	private volatile long answeredPingSentNanos = NONE;

	/**
	 * Since when the connection has been silent: the sending of the newest answered PING,
	 * or the opening of the connection before any. A failed PING (timed out,
	 * disconnected) does not end a silence. Heartbeat thread only.
	 */
	private long silentSinceNanos = System.nanoTime();

	/**
	 * When the PING now waiting for its answer was sent; NONE when none waits. Heartbeat
	 * thread only.
	 */
	private long waitingPingSentNanos = NONE;

	/** Whether the current silence has been announced as a gap. Heartbeat thread only. */
	private boolean silenceAnnounced;

	/**
	 * Who this subscriber is, for acknowledgments: Redis counts subscribers by
	 * connection, not by listener.
	 */
	private final String id = java.util.UUID.randomUUID().toString();

	private volatile boolean attemptPending;

	private volatile long lastAttempt = System.nanoTime() - RETRY_NANOS;

	private volatile boolean closed;

	/**
	 * A subscriber with the default lease ({@link #DEFAULT_LEASE}).
	 * @param connector opens a pub/sub connection (Boot's Lettuce client, standalone or
	 * cluster)
	 * @param secrets masks secrets in the log line of a failed attempt
	 */
	public RedisSubscriber(Supplier<StatefulRedisPubSubConnection<String, String>> connector, Secrets secrets) {
		this(connector, secrets, DEFAULT_LEASE);
	}

	/**
	 * @param lease how long an answered heartbeat vouches for the subscription
	 * ({@code redis-starter.subscription-lease})
	 */
	public RedisSubscriber(Supplier<StatefulRedisPubSubConnection<String, String>> connector, Secrets secrets,
			Duration lease) {
		if (lease.toMillis() < 4) {
			throw new IllegalArgumentException("'subscriptionLease' must be at least 4ms, got " + lease);
		}
		this.connector = connector;
		this.secrets = secrets;
		this.leaseNanos = lease.toNanos();
		long beat = this.leaseNanos / 4;
		this.scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.NANOSECONDS);
	}

	/**
	 * Hears the messages of a channel or pattern. Called on Lettuce's I/O thread: hand
	 * work off, do not block.
	 */
	public interface Listener {

		void onMessage(String channel, String message);

		/** Messages may have been lost, or may arrive late. */
		default void onGap() {
		}

	}

	/**
	 * A random id of this subscriber (its connection), the same for every listener on it.
	 */
	public String id() {
		return this.id;
	}

	/** How long an answered heartbeat vouches for the subscription. */
	public Duration lease() {
		return Duration.ofNanos(this.leaseNanos);
	}

	/**
	 * Listens to a channel; Redis is subscribed with the first listener of a channel.
	 * @return what stops listening (Redis is unsubscribed with the last listener)
	 */
	public Runnable subscribe(String channel, Listener listener) {
		return add(this.channels, channel, listener, false);
	}

	/** {@link #subscribe} for a glob-style pattern ({@code news.*}). */
	public Runnable psubscribe(String pattern, Listener listener) {
		return add(this.patterns, pattern, listener, true);
	}

	private synchronized Runnable add(Map<String, List<Listener>> registry, String name, Listener listener,
			boolean pattern) {
		List<Listener> listeners = registry.computeIfAbsent(name, (key) -> new CopyOnWriteArrayList<>());
		boolean first = listeners.isEmpty();
		listeners.add(listener);
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (first && current != null) {
			// If this fails (disconnected), the subscribe-everything after the reconnect
			// covers it.
			if (pattern) {
				current.async().psubscribe(name);
			}
			else {
				current.async().subscribe(name);
			}
		}
		return () -> remove(registry, name, listener, pattern);
	}

	private synchronized void remove(Map<String, List<Listener>> registry, String name, Listener listener,
			boolean pattern) {
		List<Listener> listeners = registry.get(name);
		if (listeners == null || !listeners.remove(listener) || !listeners.isEmpty()) {
			return;
		}
		registry.remove(name);
		(pattern ? this.confirmedPatterns : this.confirmedChannels).remove(name);
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current != null) {
			if (pattern) {
				current.async().punsubscribe(name);
			}
			else {
				current.async().unsubscribe(name);
			}
		}
	}

	/**
	 * Whether the messages of {@code channel} are arriving: connected, that channel's
	 * subscription confirmed, and a heartbeat sent within the lease answered (so every
	 * message published before it has been delivered). Starts connecting when there is no
	 * connection yet.
	 */
	public boolean isLive(String channel) {
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current == null) {
			connectSoon();
			return false;
		}
		long answered = this.answeredPingSentNanos;
		return current.isOpen() && this.confirmedChannels.contains(channel) && answered != NONE
				&& System.nanoTime() - answered < this.leaseNanos;
	}

	/**
	 * Opens the connection in the background, unless it is open or an attempt is under
	 * way; attempts are at least a second apart.
	 */
	public void connectSoon() {
		if (this.closed || this.attemptPending || this.connection != null) {
			return;
		}
		long delay;
		synchronized (this) {
			if (this.closed || this.attemptPending || this.connection != null) {
				return;
			}
			this.attemptPending = true;
			delay = Math.max(0, this.lastAttempt + RETRY_NANOS - System.nanoTime());
		}
		try {
			this.scheduler.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Closed meanwhile.
			this.attemptPending = false;
		}
	}

	private void connect() {
		this.lastAttempt = System.nanoTime();
		try {
			StatefulRedisPubSubConnection<String, String> opened = this.connector.get();
			opened.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					deliver(RedisSubscriber.this.channels.get(channel), channel, message);
				}

				@Override
				public void message(String pattern, String channel, String message) {
					deliver(RedisSubscriber.this.patterns.get(pattern), channel, message);
				}

				@Override
				public void subscribed(String channel, long count) {
					if (opened == RedisSubscriber.this.connection) {
						confirmed(RedisSubscriber.this.channels, RedisSubscriber.this.confirmedChannels, channel);
					}
				}

				@Override
				public void psubscribed(String pattern, long count) {
					if (opened == RedisSubscriber.this.connection) {
						confirmed(RedisSubscriber.this.patterns, RedisSubscriber.this.confirmedPatterns, pattern);
					}
				}

			});
			opened.addListener(new RedisConnectionStateListener() {

				@Override
				public void onRedisConnected(RedisChannelHandler<?, ?> handler, java.net.SocketAddress address) {
					if (opened == RedisSubscriber.this.connection) {
						subscribeEverything(opened);
					}
				}

				@Override
				public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
					// A connection replaced after a long silence may say goodbye late: it
					// speaks for itself only.
					if (opened == RedisSubscriber.this.connection) {
						lost();
					}
				}

			});
			// Published first, so that a listener added from now on subscribes by itself;
			// then everything known so
			// far. Never wait for Redis while holding this object's lock: Lettuce's I/O
			// thread may need it. A close()
			// that came meanwhile gets the connection closed here, not leaked.
			synchronized (this) {
				if (this.closed) {
					opened.closeAsync();
					return;
				}
				this.connection = opened;
			}
			this.scheduler.execute(() -> {
				this.silentSinceNanos = System.nanoTime();
				this.waitingPingSentNanos = NONE;
				this.silenceAnnounced = false;
			});
			String[] channelNames = this.channels.keySet().toArray(String[]::new);
			String[] patternNames = this.patterns.keySet().toArray(String[]::new);
			subscribeEverything(opened, channelNames, patternNames).get(30, TimeUnit.SECONDS);
			// Whichever comes first, this or Lettuce's callback: a first confirmation is
			// a gap for that channel.
			for (String channel : channelNames) {
				confirmed(this.channels, this.confirmedChannels, channel);
			}
			for (String pattern : patternNames) {
				confirmed(this.patterns, this.confirmedPatterns, pattern);
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Redis subscriber could not connect yet: " + this.secrets.mask(RedisFailures.describe(ex)));
		}
		finally {
			this.attemptPending = false;
		}
		// Someone is listening: keep trying, a second apart, until Redis takes the
		// connection.
		if (this.connection == null && (!this.channels.isEmpty() || !this.patterns.isEmpty())) {
			connectSoon();
		}
	}

	/**
	 * Subscribes every channel and pattern known now (idempotent in Redis); never blocks.
	 */
	private CompletableFuture<Void> subscribeEverything(StatefulRedisPubSubConnection<String, String> opened) {
		return subscribeEverything(opened, this.channels.keySet().toArray(String[]::new),
				this.patterns.keySet().toArray(String[]::new));
	}

	private static CompletableFuture<Void> subscribeEverything(StatefulRedisPubSubConnection<String, String> opened,
			String[] channelNames, String[] patternNames) {
		CompletableFuture<Void> channelsDone = (channelNames.length > 0)
				? opened.async().subscribe(channelNames).toCompletableFuture()
				: CompletableFuture.completedFuture(null);
		CompletableFuture<Void> patternsDone = (patternNames.length > 0)
				? opened.async().psubscribe(patternNames).toCompletableFuture()
				: CompletableFuture.completedFuture(null);
		return CompletableFuture.allOf(channelsDone, patternsDone);
	}

	/**
	 * A confirmation from Redis: the first on this connection is a gap for that channel's
	 * listeners.
	 */
	private void confirmed(Map<String, List<Listener>> registry, Set<String> confirmed, String name) {
		List<Listener> listeners = registry.get(name);
		if (listeners != null && confirmed.add(name)) {
			gap(listeners);
		}
	}

	/** The connection dropped: nothing is confirmed any more, nothing vouched for. */
	private void lost() {
		this.confirmedChannels.clear();
		this.confirmedPatterns.clear();
		this.answeredPingSentNanos = NONE;
		gapEverywhere();
	}

	/**
	 * Sends a PING unless one is waiting. A connection silent for the lease is a gap;
	 * silent for much longer, dead.
	 */
	private void heartbeat() {
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current == null) {
			return;
		}
		long now = System.nanoTime();
		long silence = now - this.silentSinceNanos;
		if (silence >= this.leaseNanos && !this.silenceAnnounced) {
			this.silenceAnnounced = true;
			gapEverywhere();
		}
		if (silence >= Math.max(RECONNECT_AFTER_LEASES * this.leaseNanos,
				TimeUnit.SECONDS.toNanos(RECONNECT_AFTER_MIN_SECONDS))) {
			reopen(current, silence);
			return;
		}
		if (this.waitingPingSentNanos != NONE || !current.isOpen()) {
			return;
		}
		this.waitingPingSentNanos = now;
		try {
			current.async()
				.ping()
				.whenComplete((pong, failure) -> this.scheduler.execute(() -> answered(current, now, failure)));
		}
		catch (RuntimeException ex) {
			this.waitingPingSentNanos = NONE;
		}
	}

	/**
	 * A PING's outcome: an answer ends the silence (from its sending on); a failure only
	 * lets the next PING go.
	 */
	private void answered(StatefulRedisPubSubConnection<String, String> pinged, long sentNanos,
			@Nullable Throwable failure) {
		if (this.waitingPingSentNanos == sentNanos) {
			this.waitingPingSentNanos = NONE;
		}
		if (failure == null && pinged == this.connection && sentNanos > this.answeredPingSentNanos) {
			this.answeredPingSentNanos = sentNanos;
			if (sentNanos > this.silentSinceNanos) {
				this.silentSinceNanos = sentNanos;
				this.silenceAnnounced = false;
			}
		}
	}

	/**
	 * A connection that has not answered for that long is dead to us: a new one,
	 * subscribed afresh.
	 */
	private void reopen(StatefulRedisPubSubConnection<String, String> dead, long silenceNanos) {
		logger.info("Redis pub/sub connection has not answered a PING for "
				+ TimeUnit.NANOSECONDS.toMillis(silenceNanos) + " ms; opening a new one");
		synchronized (this) {
			if (this.connection != dead) {
				return;
			}
			this.connection = null;
		}
		this.waitingPingSentNanos = NONE;
		this.silentSinceNanos = System.nanoTime();
		this.silenceAnnounced = false;
		dead.closeAsync();
		lost();
		connectSoon();
	}

	private void gapEverywhere() {
		this.channels.values().forEach(RedisSubscriber::gap);
		this.patterns.values().forEach(RedisSubscriber::gap);
	}

	private static void gap(List<Listener> listeners) {
		for (Listener listener : listeners) {
			try {
				listener.onGap();
			}
			catch (RuntimeException ex) {
				logger.warn("A Redis subscription listener failed on a gap: " + ex);
			}
		}
	}

	/** Every listener hears the message, whatever another one throws. */
	private static void deliver(@Nullable List<Listener> listeners, String channel, String message) {
		if (listeners != null) {
			for (Listener listener : listeners) {
				try {
					listener.onMessage(channel, message);
				}
				catch (RuntimeException ex) {
					logger.warn("A Redis subscription listener failed on a message of " + CallerText.quote(channel)
							+ ": " + ex);
				}
			}
		}
	}

	@Override
	public void close() {
		StatefulRedisPubSubConnection<String, String> current;
		synchronized (this) {
			this.closed = true;
			current = this.connection;
			this.connection = null;
		}
		this.scheduler.shutdownNow();
		if (current != null) {
			current.close();
		}
	}

}
