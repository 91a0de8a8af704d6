package io.github.redisstarter.cache;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.github.redisstarter.cache.InvalidationMessages.Invalidation;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;
import io.github.redisstarter.connection.internal.RedisCommandSource;

/**
 * Acknowledged invalidations: an instance that evicts asks every instance that receives
 * the message to answer on its own channel ({@code <prefix>:acks:<instance>}) once its
 * near copy is gone, and waits until as many have answered as Redis delivered the message
 * to. An instance that does not answer within the subscription's lease has stopped
 * trusting its copies by then (see {@link RedisSubscriber#isLive(String)}), so the wait
 * ends there at the latest.
 */
final class Acknowledgments {

	private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

	private final String instance;

	private final String channelPrefix;

	private final RedisCommandSource commands;

	private final Duration lease;

	/** The subscriber this instance listens on: its answers name it. */
	private final String subscriberId;

	/** The commands, once a first use has connected them. */
	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> connected;

	private final AtomicLong sequence = new AtomicLong();

	private final ConcurrentHashMap<Long, Waiting> waiting = new ConcurrentHashMap<>();

	Acknowledgments(String keyPrefix, RedisCommandSource commands, RedisSubscriber subscriber) {
		byte[] random = new byte[12];
		new SecureRandom().nextBytes(random);
		this.instance = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		this.channelPrefix = keyPrefix + ":acks:";
		this.commands = commands;
		this.lease = subscriber.lease();
		this.subscriberId = subscriber.id();
		subscriber.subscribe(this.channelPrefix + this.instance, (channel, message) -> received(message));
		// Answers can arrive only once this is subscribed: from the start, not from the
		// first read.
		subscriber.connectSoon();
	}

	/** Starts waiting for the acknowledgments of one invalidation. */
	Waiting open() {
		Waiting opened = new Waiting(this.sequence.incrementAndGet());
		this.waiting.put(opened.sequence, opened);
		return opened;
	}

	/**
	 * Answers an invalidation that asks for it, without waiting (on Lettuce's I/O
	 * thread); a lost answer only makes its evictor wait longer. Until the commands are
	 * known to be connected, the answer goes from another thread: the first use may
	 * connect, which must not happen on an I/O thread.
	 */
	void acknowledge(Invalidation invalidation) {
		String to = invalidation.instance();
		if (to == null || !INSTANCE.matcher(to).matches()) {
			return;
		}
		byte[] channel = (this.channelPrefix + to).getBytes(StandardCharsets.UTF_8);
		byte[] answer = (invalidation.sequence() + " " + this.subscriberId).getBytes(StandardCharsets.UTF_8);
		RedisClusterAsyncCommands<byte[], byte[]> connected = this.connected;
		if (connected != null) {
			publish(connected, channel, answer);
			return;
		}
		CompletableFuture.runAsync(() -> {
			try {
				RedisClusterAsyncCommands<byte[], byte[]> resolved = this.commands.get();
				this.connected = resolved;
				publish(resolved, channel, answer);
			}
			catch (RuntimeException ex) {
				// Redis away: the evictor's lease covers it.
			}
		});
	}

	private static void publish(RedisClusterAsyncCommands<byte[], byte[]> redis, byte[] channel, byte[] answer) {
		try {
			redis.publish(channel, answer);
		}
		catch (RuntimeException ex) {
			// Disconnected: the evictor's lease covers it.
		}
	}

	/** An answer: {@code <sequence> <subscriber>}. */
	private void received(String message) {
		int space = message.indexOf(' ');
		long acknowledged;
		try {
			acknowledged = Long.parseLong((space < 0) ? message : message.substring(0, space));
		}
		catch (NumberFormatException ex) {
			return;
		}
		Waiting waiter = this.waiting.get(acknowledged);
		if (waiter != null) {
			waiter.answered((space < 0) ? message : message.substring(space + 1));
		}
	}

	/** How a wait for acknowledgments ended. */
	enum Outcome {

		/** Every subscriber that received the invalidation answered. */
		ACKNOWLEDGED,

		/**
		 * Some did not answer within the lease: they no longer trust their copies either.
		 */
		LEASE_RAN_OUT,

		/** The waiting thread was interrupted before either. */
		INTERRUPTED

	}

	/** The acknowledgments of one invalidation. */
	final class Waiting implements AutoCloseable {

		private final long sequence;

		/**
		 * The subscribers that answered: Redis counts receivers by connection, so each is
		 * counted once.
		 */
		private final java.util.Set<String> answers = ConcurrentHashMap.newKeySet();

		private volatile long expected = Long.MAX_VALUE;

		private final CompletableFuture<Void> complete = new CompletableFuture<>();

		private Waiting(long sequence) {
			this.sequence = sequence;
		}

		/** The message that asks for acknowledgments of this waiting. */
		String tag(String message) {
			return InvalidationMessages.acknowledged(message, Acknowledgments.this.instance, this.sequence);
		}

		private void answered(String subscriber) {
			if (this.answers.add(subscriber) && this.answers.size() >= this.expected) {
				this.complete.complete(null);
			}
		}

		/**
		 * Waits until {@code receivers} subscribers have answered, or for the lease.
		 * @param receivers how many subscribers Redis delivered the message to, or -1
		 * when it cannot tell (Redis Cluster counts only the subscribers of one node):
		 * then the whole lease
		 */
		Outcome await(long receivers) {
			if (receivers >= 0) {
				this.expected = receivers;
				if (this.answers.size() >= receivers) {
					return Outcome.ACKNOWLEDGED;
				}
			}
			try {
				this.complete.get(Acknowledgments.this.lease.toNanos(), TimeUnit.NANOSECONDS);
				return Outcome.ACKNOWLEDGED;
			}
			catch (TimeoutException | ExecutionException ex) {
				return Outcome.LEASE_RAN_OUT;
			}
			catch (InterruptedException ex) {
				// The eviction reached Redis; only the wait for the others ends early.
				Thread.currentThread().interrupt();
				return Outcome.INTERRUPTED;
			}
		}

		@Override
		public void close() {
			Acknowledgments.this.waiting.remove(this.sequence);
		}

	}

}
