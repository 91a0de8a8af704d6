package io.github.redisstarter.broadcast;

/**
 * Hears what a {@link Broadcaster} does: the hook for metrics. Calls must be quick and
 * must not throw.
 */
public interface BroadcastObserver {

	BroadcastObserver NONE = new BroadcastObserver() {
	};

	/** This instance published a message. */
	default void onPublished(String channel) {
	}

	/** A message from another instance arrived through Redis. */
	default void onReceived(String channel) {
	}

	/** A listener's queue was full: the message was not given to it. */
	default void onDropped(String channel) {
	}

	/** A listener threw, or the message could not be decoded into its type. */
	default void onListenerFailed(String channel, Throwable failure) {
	}

}
