package io.github.redisstarter.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the Broadcaster ({@code redis-starter.broadcast.*}). */
@ConfigurationProperties("redis-starter.broadcast")
public class BroadcastProperties {

	/** Whether the Broadcaster bean is created. */
	private boolean enabled = true;

	/**
	 * This instance's id, carried by every message it publishes so that it can skip its own echo. Random per start
	 * when unset; set it only to something unique per instance.
	 */
	private @Nullable String nodeId;

	/** Threads that run listeners, shared by every subscription. Defaults to one per core, at least 2. */
	private int listenerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());

	/** The most messages waiting for one listener; beyond it, messages to that listener are dropped and counted. */
	private int maxPending = 10_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	public int getListenerThreads() {
		return this.listenerThreads;
	}

	public void setListenerThreads(int listenerThreads) {
		if (listenerThreads <= 0) {
			throw new IllegalArgumentException(
					"redis-starter.broadcast.listener-threads must be a positive count, got " + listenerThreads);
		}
		this.listenerThreads = listenerThreads;
	}

	public int getMaxPending() {
		return this.maxPending;
	}

	public void setMaxPending(int maxPending) {
		if (maxPending <= 0) {
			throw new IllegalArgumentException(
					"redis-starter.broadcast.max-pending must be a positive count, got " + maxPending);
		}
		this.maxPending = maxPending;
	}

}
