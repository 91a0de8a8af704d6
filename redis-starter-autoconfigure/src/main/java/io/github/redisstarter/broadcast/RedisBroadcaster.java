package io.github.redisstarter.broadcast;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.github.redisstarter.connection.internal.CallerText;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.github.redisstarter.connection.internal.RedisCommandSource;

/**
 * Broadcasting through Redis pub/sub. A message published here reaches this instance's
 * listeners at once and the others' through one PUBLISH; it carries this instance's id,
 * so that the echo Redis sends back is skipped and local listeners get it once. Redis is
 * subscribed only to the channels and patterns this instance has listeners for.
 *
 * <p>
 * While Redis is away, messages reach this instance's listeners only (the original app's
 * single-instance mode), and when it returns every subscription is in place again: the
 * shared {@link RedisSubscriber} re-subscribes.
 */
final class RedisBroadcaster extends AbstractBroadcaster implements BackendSwitchListener {

	private static final Log logger = LogFactory.getLog(RedisBroadcaster.class);

	private static final char SEPARATOR = '\n';

	private final RedisCommandSource commands;

	private final RedisSubscriber subscriber;

	private final Failover failover;

	private final String nodeId;

	/**
	 * Per topic (channel, or pattern), the Redis subscription that feeds every local
	 * listener of it.
	 */
	private final Map<String, Feed> feeds = new HashMap<>();

	/**
	 * @param nodeId this instance's id, carried by every message it publishes (see
	 * {@link #randomNodeId()})
	 */
	RedisBroadcaster(RedisCommandSource commands, RedisSubscriber subscriber, Failover failover, String nodeId,
			BroadcastSettings settings, BroadcastObserver observer) {
		super(settings, observer);
		if (nodeId == null || nodeId.isBlank() || nodeId.indexOf(SEPARATOR) >= 0) {
			throw new IllegalArgumentException(
					"'nodeId' must be non-blank text without a line break, got '" + nodeId + "'");
		}
		this.commands = commands;
		this.subscriber = subscriber;
		this.failover = failover;
		this.nodeId = nodeId;
	}

	/** A random node id: unique per instance and start. */
	static String randomNodeId() {
		return UUID.randomUUID().toString();
	}

	@Override
	void send(String channel, String payload) {
		byte[] envelope = (this.nodeId + SEPARATOR + payload).getBytes(StandardCharsets.UTF_8);
		// While Redis is away the twin's delivery (this instance's listeners, done
		// already) is all there is.
		this.failover.bestEffort(() -> this.commands.get().publish(channel.getBytes(StandardCharsets.UTF_8), envelope),
				(failure) -> logger.warn("Broadcast on " + CallerText.quote(channel)
						+ " reached this instance only: PUBLISH failed (" + failure + ")"));
	}

	@Override
	synchronized Runnable listenRemotely(String topic, boolean pattern) {
		String key = (pattern ? "p:" : "c:") + topic;
		Feed feed = this.feeds.computeIfAbsent(key, (k) -> new Feed(pattern
				? this.subscriber.psubscribe(topic, (channel, message) -> received(topic, true, channel, message))
				: this.subscriber.subscribe(topic, (channel, message) -> received(topic, false, channel, message))));
		feed.listeners++;
		if (this.failover.state().endpoint() != null) {
			this.subscriber.connectSoon();
		}
		return () -> {
			synchronized (this) {
				if (--feed.listeners == 0) {
					this.feeds.remove(key);
					feed.unsubscribe.run();
				}
			}
		};
	}

	/**
	 * A message from Redis (on Lettuce's I/O thread): skip this instance's own echo,
	 * queue the rest.
	 */
	private void received(String topic, boolean pattern, String channel, String message) {
		int separator = message.indexOf(SEPARATOR);
		if (separator < 0 || message.substring(0, separator).equals(this.nodeId)) {
			return;
		}
		String payload = message.substring(separator + 1);
		this.observer.onReceived(channel);
		if (pattern) {
			this.local.deliverToPattern(topic, channel, payload);
		}
		else {
			this.local.deliverToChannel(channel, payload);
		}
	}

	@Override
	public void onSwitch(BackendSwitch change) {
		if (change.to() == BackendMode.REDIS) {
			this.subscriber.connectSoon();
		}
	}

	@Override
	public String whileAway() {
		return "broadcasts reach this instance's listeners only (what other instances publish meanwhile does not arrive)";
	}

	private static final class Feed {

		final Runnable unsubscribe;

		int listeners;

		Feed(Runnable unsubscribe) {
			this.unsubscribe = unsubscribe;
		}

	}

}
