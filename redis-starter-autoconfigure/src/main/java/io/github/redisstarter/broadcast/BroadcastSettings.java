package io.github.redisstarter.broadcast;

import java.util.Objects;

import tools.jackson.databind.json.JsonMapper;

/**
 * How a broadcaster delivers.
 *
 * @param mapper writes and reads the JSON of non-text messages
 * @param listenerThreads the threads that run listeners, shared by every subscription
 * @param maxPending the most messages waiting for one listener; beyond it messages to that listener are dropped
 * and counted
 */
public record BroadcastSettings(JsonMapper mapper, int listenerThreads, int maxPending) {

	public BroadcastSettings {
		Objects.requireNonNull(mapper, "'mapper' must not be null");
		if (listenerThreads <= 0) {
			throw new IllegalArgumentException("'listenerThreads' must be positive, got " + listenerThreads);
		}
		if (maxPending <= 0) {
			throw new IllegalArgumentException("'maxPending' must be positive, got " + maxPending);
		}
	}

	/** Two listener threads (or one per core, if more) and 10,000 pending messages per listener. */
	public static BroadcastSettings defaults(JsonMapper mapper) {
		return new BroadcastSettings(mapper, Math.max(2, Runtime.getRuntime().availableProcessors()), 10_000);
	}

}
