package io.github.redisstarter.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.redisstarter.connection.RedisFailures;
import io.github.redisstarter.connection.Secrets;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one pub/sub connection over which instances tell each other to drop near copies. Each cache listens on its own
 * channel. Near copies are trusted only while the subscription is known to be live: when the connection drops,
 * every cache forgets its near copies at once (messages sent meanwhile are lost), and again when Lettuce has
 * re-subscribed after reconnecting.
 *
 * <p>
 * The connection is opened lazily, off the caller's thread, when a cache first needs it with Redis in use, and
 * retried at most once a second until it succeeds.
 */
public final class InvalidationBus implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(InvalidationBus.class);

	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Supplier<StatefulRedisPubSubConnection<String, String>> connector;

	private final Secrets secrets;

	private final Map<String, Listener> listeners = new ConcurrentHashMap<>();

	private final ExecutorService connecting = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "redis-starter-invalidations");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable StatefulRedisPubSubConnection<String, String> connection;

	/** Whether the channels are subscribed on the current connection: false from a disconnect to the re-subscribe. */
	private volatile boolean subscribed;

	private volatile boolean attemptPending;

	private volatile long lastAttempt = System.nanoTime() - RETRY_NANOS;

	private volatile boolean closed;

	/**
	 * @param connector opens a pub/sub connection (Boot's Lettuce client, standalone or cluster)
	 * @param secrets masks secrets in the log line of a failed attempt
	 */
	public InvalidationBus(Supplier<StatefulRedisPubSubConnection<String, String>> connector, Secrets secrets) {
		this.connector = connector;
		this.secrets = secrets;
	}

	/** What a cache does with the messages of its channel. */
	interface Listener {

		void onMessage(String message);

		/** Messages may have been lost: forget every near copy. */
		void onGap();

	}

	void listen(String channel, Listener listener) {
		if (this.listeners.putIfAbsent(channel, listener) != null) {
			throw new IllegalStateException("A cache already listens on " + channel);
		}
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current != null) {
			try {
				current.sync().subscribe(channel);
			}
			catch (RuntimeException ex) {
				// Start over with every channel on a new connection.
				this.subscribed = false;
				this.connection = null;
				current.closeAsync();
			}
		}
	}

	/** Whether near copies can be trusted: the subscription is live. Starts connecting when it is not. */
	boolean isLive() {
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current != null && current.isOpen() && this.subscribed) {
			return true;
		}
		if (current == null) {
			connectSoon();
		}
		return false;
	}

	/** Opens the connection in the background, unless an attempt is under way or the last one was under a second ago. */
	void connectSoon() {
		long now = System.nanoTime();
		if (this.closed || this.attemptPending || now - this.lastAttempt < RETRY_NANOS) {
			return;
		}
		synchronized (this) {
			if (this.attemptPending || this.connection != null) {
				return;
			}
			this.attemptPending = true;
			this.lastAttempt = now;
		}
		this.connecting.execute(this::connect);
	}

	private void connect() {
		try {
			StatefulRedisPubSubConnection<String, String> opened = this.connector.get();
			opened.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					Listener listener = InvalidationBus.this.listeners.get(channel);
					if (listener != null) {
						listener.onMessage(message);
					}
				}

				@Override
				public void subscribed(String channel, long count) {
					// The first confirmation after a reconnect: anything published meanwhile was lost.
					if (!InvalidationBus.this.subscribed) {
						InvalidationBus.this.listeners.values().forEach(Listener::onGap);
						InvalidationBus.this.subscribed = true;
					}
				}

			});
			opened.addListener(new RedisConnectionStateListener() {

				@Override
				public void onRedisDisconnected(RedisChannelHandler<?, ?> channel) {
					InvalidationBus.this.subscribed = false;
					InvalidationBus.this.listeners.values().forEach(Listener::onGap);
				}

			});
			String[] channels = this.listeners.keySet().toArray(String[]::new);
			if (channels.length > 0) {
				opened.sync().subscribe(channels);
			}
			this.subscribed = true;
			this.connection = opened;
			if (this.closed) {
				opened.close();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Cache invalidation subscriber could not connect yet: "
					+ this.secrets.mask(RedisFailures.describe(ex)));
		}
		finally {
			this.attemptPending = false;
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
