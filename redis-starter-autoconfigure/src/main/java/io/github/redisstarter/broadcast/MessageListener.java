package io.github.redisstarter.broadcast;

/** Receives broadcast messages. */
@FunctionalInterface
public interface MessageListener<T> {

	/**
	 * @param channel the channel the message was published on (for a pattern
	 * subscription, the matching one)
	 */
	void onMessage(String channel, T message);

}
