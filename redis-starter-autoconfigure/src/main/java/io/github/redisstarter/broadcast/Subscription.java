package io.github.redisstarter.broadcast;

/**
 * A listener's subscription; closing it stops delivery to that listener (and unsubscribes
 * Redis with the last one).
 */
public interface Subscription extends AutoCloseable {

	/** The channel, or the pattern. */
	String topic();

	boolean isPattern();

	@Override
	void close();

}
