package io.github.redisstarter.broadcast;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisCommandSource;
import io.github.redisstarter.connection.internal.RedisSubscriber;

/**
 * Makes broadcasters outside Spring (the auto-configuration makes the app's): one that
 * delivers within this instance, and one that reaches every instance through Redis
 * pub/sub while Redis is in use. The implementations behind them are not API; close a
 * broadcaster ({@link AutoCloseable}) to stop its listener threads.
 */
public final class Broadcasters {

	private Broadcasters() {
	}

	/**
	 * Delivery within this instance only, with the same contract: what an app without
	 * Redis gets.
	 */
	public static Broadcaster inMemory(BroadcastSettings settings, BroadcastObserver observer) {
		return new InMemoryBroadcaster(settings, observer);
	}

	/**
	 * Delivery to every instance through Redis pub/sub; while Redis is away, within this
	 * instance only, and every subscription is in place again when it returns. It
	 * registers with the backend state to re-subscribe then.
	 * @param nodeId this instance's id, carried by every message it publishes so that its
	 * echo is skipped: unique per instance and start, such as {@link #randomNodeId()}
	 */
	public static Broadcaster onRedis(RedisCommandSource commands, RedisSubscriber subscriber, Failover failover,
			String nodeId, BroadcastSettings settings, BroadcastObserver observer) {
		RedisBroadcaster broadcaster = new RedisBroadcaster(commands, subscriber, failover, nodeId, settings, observer);
		failover.state().addListener(broadcaster);
		return broadcaster;
	}

	/** A random node id: unique per instance and start. */
	public static String randomNodeId() {
		return RedisBroadcaster.randomNodeId();
	}

}
