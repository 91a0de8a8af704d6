package io.github.redisstarter.broadcast;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.connection.internal.CallerText;
import io.github.redisstarter.connection.internal.DaemonThreads;
import io.github.redisstarter.connection.PayloadTooLargeException;
import io.github.redisstarter.connection.internal.RedisKeyEncoding;

/**
 * What both broadcasters share: argument checks, delivery within the instance (once, for
 * a message published here, whatever the backend), subscriptions and the listener
 * threads. They differ only in how a message leaves the instance and how others' messages
 * come in.
 */
abstract class AbstractBroadcaster implements Broadcaster {

	private static final AtomicInteger pools = new AtomicInteger();

	static final String MAX_MESSAGE_SIZE_PROPERTY = "redis-starter.broadcast.max-message-size";

	final LocalDelivery local;

	final BroadcastObserver observer;

	private final ExecutorService listenerThreads;

	private final long maxMessageBytes;

	AbstractBroadcaster(BroadcastSettings settings, BroadcastObserver observer) {
		this.listenerThreads = Executors.newFixedThreadPool(settings.listenerThreads(),
				DaemonThreads.named("broadcast-" + pools.incrementAndGet()));
		this.observer = observer;
		this.maxMessageBytes = settings.maxMessageBytes();
		this.local = new LocalDelivery(settings.mapper(), this.listenerThreads, settings.maxPending(),
				settings.maxPendingBytes(), observer);
	}

	@Override
	public final void publish(String channel, Object message) {
		requireTopic("channel", channel);
		if (message == null) {
			throw new IllegalArgumentException(
					"'message' must not be null (channel " + CallerText.quote(channel) + ")");
		}
		String payload = this.local.encode(message);
		// Refused before anyone hears it, so that a message is either everywhere or
		// nowhere.
		PayloadTooLargeException.check(payload, this.maxMessageBytes,
				"the broadcast message on " + CallerText.quote(channel), MAX_MESSAGE_SIZE_PROPERTY);
		this.local.deliverEverywhere(channel, payload);
		this.observer.onPublished(channel);
		send(channel, payload);
	}

	@Override
	public final <T> Subscription subscribe(String channel, Class<T> type, MessageListener<? super T> listener) {
		requireTopic("channel", channel);
		return open(channel, false, type, listener);
	}

	@Override
	public final <T> Subscription subscribePattern(String pattern, Class<T> type, MessageListener<? super T> listener) {
		requireTopic("pattern", pattern);
		return open(pattern, true, type, listener);
	}

	private <T> Subscription open(String topic, boolean pattern, Class<T> type, MessageListener<? super T> listener) {
		if (type == null || listener == null) {
			throw new IllegalArgumentException(
					"'type' and 'listener' must not be null (" + CallerText.quote(topic) + ")");
		}
		LocalDelivery.Mailbox<T> mailbox = this.local.register(topic, pattern, type, listener);
		Runnable remote = listenRemotely(topic, pattern);
		AtomicBoolean open = new AtomicBoolean(true);
		return new Subscription() {

			@Override
			public String topic() {
				return topic;
			}

			@Override
			public boolean isPattern() {
				return pattern;
			}

			@Override
			public void close() {
				if (open.compareAndSet(true, false)) {
					AbstractBroadcaster.this.local.unregister(mailbox);
					remote.run();
				}
			}

		};
	}

	/**
	 * Sends a message published here to the other instances (the local listeners have it
	 * already).
	 */
	abstract void send(String channel, String payload);

	/**
	 * Starts hearing the other instances' messages of a topic.
	 * @return what stops it
	 */
	Runnable listenRemotely(String topic, boolean pattern) {
		return () -> {
		};
	}

	@Override
	public void close() {
		this.listenerThreads.shutdown();
	}

	private static void requireTopic(String name, String topic) {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("'" + name + "' must not be blank");
		}
		// UTF-8 would turn a lone surrogate into '?': two names would meet in Redis, and
		// '?' is a wildcard there.
		if (!RedisKeyEncoding.isWellFormed(topic)) {
			throw new IllegalArgumentException("'" + name + "' must be well-formed Unicode text; it holds a lone"
					+ " surrogate (half of a character), which Redis cannot carry");
		}
	}

}
