package io.github.redisstarter.broadcast;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import io.github.redisstarter.connection.internal.CallerText;

/**
 * Delivery to this instance's listeners, shared by both broadcasters. Each subscription
 * has its own mailbox, drained on a shared pool one message at a time: a listener sees
 * messages in arrival order, a slow one delays only itself, and a full mailbox (in
 * messages or in memory) drops (and counts) rather than grow without bound. A listener
 * that throws is counted and logged, and keeps its subscription.
 */
final class LocalDelivery {

	private static final Log logger = LogFactory.getLog(LocalDelivery.class);

	/** Messages a mailbox hands over before it yields its thread to other mailboxes. */
	private static final int BATCH = 64;

	private final JsonMapper mapper;

	private final Executor executor;

	private final int maxPending;

	private final long maxPendingBytes;

	private final BroadcastObserver observer;

	private final Map<String, List<Mailbox<?>>> channels = new ConcurrentHashMap<>();

	private final Map<String, List<Mailbox<?>>> patterns = new ConcurrentHashMap<>();

	LocalDelivery(JsonMapper mapper, Executor executor, int maxPending, long maxPendingBytes,
			BroadcastObserver observer) {
		if (maxPending <= 0) {
			throw new IllegalArgumentException("'maxPending' must be positive, got " + maxPending);
		}
		this.mapper = mapper;
		this.executor = executor;
		this.maxPending = maxPending;
		this.maxPendingBytes = maxPendingBytes;
		this.observer = observer;
	}

	String encode(Object message) {
		return (message instanceof String text) ? text : this.mapper.writeValueAsString(message);
	}

	<T> Mailbox<T> register(String topic, boolean pattern, Class<T> type, MessageListener<? super T> listener) {
		Mailbox<T> mailbox = new Mailbox<>(topic, pattern, type, listener);
		(pattern ? this.patterns : this.channels).computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>())
			.add(mailbox);
		return mailbox;
	}

	void unregister(Mailbox<?> mailbox) {
		Map<String, List<Mailbox<?>>> registry = mailbox.pattern ? this.patterns : this.channels;
		registry.computeIfPresent(mailbox.topic, (key, list) -> {
			list.remove(mailbox);
			return list.isEmpty() ? null : list;
		});
		mailbox.closed = true;
	}

	/**
	 * A message published by this instance: every listener of the channel and of every
	 * matching pattern.
	 */
	void deliverEverywhere(String channel, String payload) {
		deliverToChannel(channel, payload);
		for (List<Mailbox<?>> mailboxes : this.patterns.values()) {
			if (!mailboxes.isEmpty() && mailboxes.get(0).glob.matches(channel)) {
				mailboxes.forEach((mailbox) -> mailbox.offer(channel, payload));
			}
		}
	}

	void deliverToChannel(String channel, String payload) {
		List<Mailbox<?>> mailboxes = this.channels.get(channel);
		if (mailboxes != null) {
			mailboxes.forEach((mailbox) -> mailbox.offer(channel, payload));
		}
	}

	void deliverToPattern(String pattern, String channel, String payload) {
		List<Mailbox<?>> mailboxes = this.patterns.get(pattern);
		if (mailboxes != null) {
			mailboxes.forEach((mailbox) -> mailbox.offer(channel, payload));
		}
	}

	/** One subscription's queue and listener. */
	final class Mailbox<T> {

		final String topic;

		final boolean pattern;

		final GlobPattern glob;

		private final Class<T> type;

		private final MessageListener<? super T> listener;

		private final Queue<String[]> pending = new ConcurrentLinkedQueue<>();

		private final AtomicInteger size = new AtomicInteger();

		/** What the waiting messages take in memory: two bytes a character. */
		private final AtomicLong bytes = new AtomicLong();

		private final AtomicBoolean scheduled = new AtomicBoolean();

		private volatile boolean closed;

		private volatile boolean failedBefore;

		Mailbox(String topic, boolean pattern, Class<T> type, MessageListener<? super T> listener) {
			this.topic = topic;
			this.pattern = pattern;
			this.glob = GlobPattern.compile(pattern ? topic : "");
			this.type = type;
			this.listener = listener;
		}

		void offer(String channel, String payload) {
			if (this.closed) {
				return;
			}
			long weight = 2L * (channel.length() + payload.length());
			if (this.size.incrementAndGet() > LocalDelivery.this.maxPending
					| this.bytes.addAndGet(weight) > LocalDelivery.this.maxPendingBytes) {
				this.size.decrementAndGet();
				this.bytes.addAndGet(-weight);
				LocalDelivery.this.observer.onDropped(channel);
				return;
			}
			this.pending.add(new String[] { channel, payload });
			if (this.scheduled.compareAndSet(false, true)) {
				LocalDelivery.this.executor.execute(this::drain);
			}
		}

		private void drain() {
			for (int i = 0; i < BATCH; i++) {
				String[] message = this.pending.poll();
				if (message == null) {
					break;
				}
				this.size.decrementAndGet();
				this.bytes.addAndGet(-2L * (message[0].length() + message[1].length()));
				if (!this.closed) {
					hand(message[0], message[1]);
				}
			}
			this.scheduled.set(false);
			// More arrived (or the batch ended): run again, unless another offer already
			// scheduled a run.
			if (!this.pending.isEmpty() && this.scheduled.compareAndSet(false, true)) {
				LocalDelivery.this.executor.execute(this::drain);
			}
		}

		private void hand(String channel, String payload) {
			try {
				T message = (this.type == String.class) ? this.type.cast(payload)
						: LocalDelivery.this.mapper.readValue(payload, this.type);
				this.listener.onMessage(channel, message);
			}
			catch (RuntimeException ex) {
				LocalDelivery.this.observer.onListenerFailed(channel, ex);
				String line = "Broadcast listener on " + CallerText.quote(this.topic) + " failed on a message of "
						+ CallerText.quote(channel) + ": " + ex;
				if (!this.failedBefore) {
					this.failedBefore = true;
					logger.warn(line + " (further failures of this listener are logged at DEBUG)");
				}
				else {
					logger.debug(line);
				}
			}
		}

	}

}
