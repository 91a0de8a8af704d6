package io.github.redisstarter.connection;

import java.util.List;
import java.util.Map;
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
 * The app's one Redis pub/sub connection, shared by every capability that listens (cache invalidations, broadcasts).
 * Redis is subscribed only to the channels and patterns that have listeners. Lettuce re-subscribes after a
 * reconnect, and this class subscribes everything again as well, so that a subscription asked for while the
 * connection was down is not lost.
 *
 * <p>
 * Messages published while the connection is down are lost (pub/sub is at-most-once). Listeners hear of every such
 * gap ({@link Listener#onGap()}): when the connection drops, and again when the subscription is confirmed after the
 * reconnect. The connection is opened lazily, off the caller's thread; while anyone listens, a failed attempt is
 * retried a second later, until one succeeds (then Lettuce keeps it connected).
 */
public final class RedisSubscriber implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisSubscriber.class);

	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Supplier<StatefulRedisPubSubConnection<String, String>> connector;

	private final Secrets secrets;

	private final Map<String, List<Listener>> channels = new ConcurrentHashMap<>();

	private final Map<String, List<Listener>> patterns = new ConcurrentHashMap<>();

	private final ScheduledExecutorService connecting = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "redis-starter-subscriber");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable StatefulRedisPubSubConnection<String, String> connection;

	/** Whether the subscriptions are confirmed on the current connection: false from a disconnect to the re-subscribe. */
	private volatile boolean subscribed;

	private volatile boolean attemptPending;

	private volatile long lastAttempt = System.nanoTime() - RETRY_NANOS;

	private volatile boolean closed;

	/**
	 * @param connector opens a pub/sub connection (Boot's Lettuce client, standalone or cluster)
	 * @param secrets masks secrets in the log line of a failed attempt
	 */
	public RedisSubscriber(Supplier<StatefulRedisPubSubConnection<String, String>> connector, Secrets secrets) {
		this.connector = connector;
		this.secrets = secrets;
	}

	/** Hears the messages of a channel or pattern. Called on Lettuce's I/O thread: hand work off, do not block. */
	public interface Listener {

		void onMessage(String channel, String message);

		/** Messages may have been lost. */
		default void onGap() {
		}

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
			// If this fails (disconnected), the subscribe-everything after the reconnect covers it.
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

	/** Whether messages are arriving: connected and subscribed. Starts connecting when there is no connection yet. */
	public boolean isLive() {
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current != null && current.isOpen() && this.subscribed) {
			return true;
		}
		if (current == null) {
			connectSoon();
		}
		return false;
	}

	/**
	 * Opens the connection in the background, unless it is open or an attempt is under way; attempts are at least a
	 * second apart.
	 */
	public void connectSoon() {
		if (this.closed || this.attemptPending || this.connection != null) {
			return;
		}
		long delay;
		synchronized (this) {
			if (this.attemptPending || this.connection != null) {
				return;
			}
			this.attemptPending = true;
			delay = Math.max(0, this.lastAttempt + RETRY_NANOS - System.nanoTime());
		}
		this.connecting.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
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
					confirmed();
				}

				@Override
				public void psubscribed(String pattern, long count) {
					confirmed();
				}

			});
			opened.addListener(new RedisConnectionStateListener() {

				@Override
				public void onRedisConnected(RedisChannelHandler<?, ?> handler, java.net.SocketAddress address) {
					subscribeEverything(opened);
				}

				@Override
				public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
					RedisSubscriber.this.subscribed = false;
					gap();
				}

			});
			// Published first, so that a listener added from now on subscribes by itself; then everything known so
			// far. Never wait for Redis while holding this object's lock: Lettuce's I/O thread may need it.
			synchronized (this) {
				this.connection = opened;
			}
			subscribeEverything(opened).get(30, TimeUnit.SECONDS);
			// Whichever comes first, this or Lettuce's callback: the first confirmation is a gap for listeners too.
			confirmed();
			if (this.closed) {
				opened.close();
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
		// Someone is listening: keep trying, a second apart, until Redis takes the connection.
		if (this.connection == null && (!this.channels.isEmpty() || !this.patterns.isEmpty())) {
			connectSoon();
		}
	}

	/** Subscribes every channel and pattern known now (idempotent in Redis); never blocks. */
	private CompletableFuture<Void> subscribeEverything(StatefulRedisPubSubConnection<String, String> opened) {
		String[] channelNames = this.channels.keySet().toArray(String[]::new);
		String[] patternNames = this.patterns.keySet().toArray(String[]::new);
		CompletableFuture<Void> channelsDone = (channelNames.length > 0)
				? opened.async().subscribe(channelNames).toCompletableFuture() : CompletableFuture.completedFuture(null);
		CompletableFuture<Void> patternsDone = (patternNames.length > 0)
				? opened.async().psubscribe(patternNames).toCompletableFuture() : CompletableFuture.completedFuture(null);
		return CompletableFuture.allOf(channelsDone, patternsDone);
	}

	/** The first confirmation after a reconnect: anything published meanwhile was lost. */
	private void confirmed() {
		if (!this.subscribed) {
			gap();
			this.subscribed = true;
		}
	}

	private void gap() {
		this.channels.values().forEach((listeners) -> listeners.forEach(Listener::onGap));
		this.patterns.values().forEach((listeners) -> listeners.forEach(Listener::onGap));
	}

	private static void deliver(@Nullable List<Listener> listeners, String channel, String message) {
		if (listeners != null) {
			for (Listener listener : listeners) {
				listener.onMessage(channel, message);
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.connecting.shutdownNow();
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current != null) {
			current.close();
		}
	}

}
