package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.broadcast.BroadcastSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Settings of the Broadcaster ({@code redis-starter.broadcast.*}). */
@ConfigurationProperties("redis-starter.broadcast")
public class BroadcastProperties {

	/** Whether the Broadcaster bean is created. */
	private boolean enabled = true;

	/**
	 * This instance's id, carried by every message it publishes so that it can skip its
	 * own echo. Random per start when unset; set it only to something unique per
	 * instance.
	 */
	private @Nullable String nodeId;

	/**
	 * Threads that run listeners, shared by every subscription. Defaults to one per core,
	 * at least 2.
	 */
	private int listenerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());

	/**
	 * The most messages waiting for one listener; beyond it, messages to that listener
	 * are dropped and counted.
	 */
	private int maxPending = 10_000;

	/**
	 * The largest message that may be published (its JSON or text, in UTF-8). A larger
	 * one is refused with an exception naming this property, before any listener or Redis
	 * sees it.
	 */
	private DataSize maxMessageSize = DataSize.ofBytes(BroadcastSettings.DEFAULT_MAX_MESSAGE_BYTES);

	/**
	 * The most memory the messages waiting for one listener may take (two bytes a
	 * character); beyond it, as beyond 'max-pending', messages to that listener are
	 * dropped and counted.
	 */
	private DataSize maxPendingSize = DataSize.ofBytes(BroadcastSettings.DEFAULT_MAX_PENDING_BYTES);

	public DataSize getMaxPendingSize() {
		return this.maxPendingSize;
	}

	public void setMaxPendingSize(DataSize maxPendingSize) {
		this.maxPendingSize = maxPendingSize;
	}

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
		this.listenerThreads = listenerThreads;
	}

	public int getMaxPending() {
		return this.maxPending;
	}

	public void setMaxPending(int maxPending) {
		this.maxPending = maxPending;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

}
