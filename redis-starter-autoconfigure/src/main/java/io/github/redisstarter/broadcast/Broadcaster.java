package io.github.redisstarter.broadcast;

/**
 * Publish/subscribe across every instance of the app: what one instance publishes reaches
 * the listeners of every instance, its own included, once. On Redis pub/sub while Redis
 * is in use; within this instance while it is away.
 *
 * <p>
 * Delivery is at most once, as with Redis pub/sub itself: a message published while an
 * instance is cut off from Redis does not reach that instance later. Messages of one
 * publisher on one channel arrive in the order they were published.
 */
public interface Broadcaster extends AutoCloseable {

	/**
	 * Sends a message to every listener of {@code channel} and of every pattern that
	 * matches it, in every instance. A {@code String} goes as it is; anything else as
	 * JSON.
	 * @throws IllegalArgumentException when the channel is blank or the message is
	 * {@code null}
	 */
	void publish(String channel, Object message);

	/**
	 * Listens to one channel. {@code type} {@code String.class} receives the text as
	 * published; any other type receives the JSON decoded into it. The listener runs on
	 * the broadcaster's own threads, never on the Redis client's, one message at a time
	 * and in order; a slow or failing listener does not hold up the others.
	 * @return the subscription, which {@link Subscription#close() closing} ends
	 */
	<T> Subscription subscribe(String channel, Class<T> type, MessageListener<? super T> listener);

	/**
	 * {@link #subscribe} for every channel that matches a glob-style pattern, as Redis'
	 * PSUBSCRIBE reads it: {@code *} any run of characters, {@code ?} one character,
	 * {@code [abc]} and {@code [a-z]} one of a set, {@code \} escapes.
	 */
	<T> Subscription subscribePattern(String pattern, Class<T> type, MessageListener<? super T> listener);

	/**
	 * Stops this broadcaster's listener threads; the app's broadcaster is closed with the
	 * context. Messages waiting for a listener are dropped.
	 */
	@Override
	void close();

}
