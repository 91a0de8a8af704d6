package io.github.redisstarter.broadcast;

import java.util.Objects;

import tools.jackson.databind.json.JsonMapper;

/**
 * How a broadcaster delivers.
 *
 * @param mapper writes and reads the JSON of non-text messages
 * @param listenerThreads the threads that run listeners, shared by every subscription
 * @param maxPending the most messages waiting for one listener; beyond it messages to
 * that listener are dropped and counted
 * @param maxMessageBytes the largest message (its JSON or text, in UTF-8 bytes) that may
 * be published; a larger one is refused with a
 * {@link io.github.redisstarter.connection.PayloadTooLargeException}
 * @param maxPendingBytes the most memory the messages waiting for one listener may take
 * (two bytes a character); beyond it, as beyond {@code maxPending}, messages to that
 * listener are dropped and counted
 */
public record BroadcastSettings(JsonMapper mapper, int listenerThreads, int maxPending, long maxMessageBytes,
		long maxPendingBytes) {

	/**
	 * 256 KiB: well below Redis' pub/sub output buffer limits, far above any
	 * notification.
	 */
	public static final long DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

	/**
	 * 16 MiB per listener: 10,000 notifications of a kilobyte and more, not 10,000
	 * messages of 256 KiB.
	 */
	public static final long DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

	/**
	 * Settings with the default bound on the memory of waiting messages
	 * ({@value #DEFAULT_MAX_PENDING_BYTES} bytes).
	 */
	public BroadcastSettings(JsonMapper mapper, int listenerThreads, int maxPending, long maxMessageBytes) {
		this(mapper, listenerThreads, maxPending, maxMessageBytes, DEFAULT_MAX_PENDING_BYTES);
	}

	public BroadcastSettings {
		Objects.requireNonNull(mapper, "'mapper' must not be null");
		if (listenerThreads <= 0) {
			throw new IllegalArgumentException("'listenerThreads' must be positive, got " + listenerThreads);
		}
		if (maxPending <= 0) {
			throw new IllegalArgumentException("'maxPending' must be positive, got " + maxPending);
		}
		if (maxMessageBytes <= 0) {
			throw new IllegalArgumentException("'maxMessageBytes' must be positive, got " + maxMessageBytes);
		}
		if (maxPendingBytes <= 0) {
			throw new IllegalArgumentException("'maxPendingBytes' must be positive, got " + maxPendingBytes);
		}
	}

	/**
	 * Two listener threads (or one per core, if more), 10,000 pending messages per
	 * listener within 16 MiB, messages to 256 KiB.
	 */
	public static BroadcastSettings defaults(JsonMapper mapper) {
		return new BroadcastSettings(mapper, Math.max(2, Runtime.getRuntime().availableProcessors()), 10_000,
				DEFAULT_MAX_MESSAGE_BYTES);
	}

}
