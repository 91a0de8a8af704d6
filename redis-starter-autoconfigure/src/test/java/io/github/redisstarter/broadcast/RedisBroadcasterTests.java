package io.github.redisstarter.broadcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.github.redisstarter.connection.internal.DefaultFailover;

/**
 * The contract on the Redis broadcaster, with every message crossing Redis: the
 * broadcaster under test publishes through one instance and subscribes through another.
 * And what only Redis has: the echo, per-channel subscriptions.
 */
class RedisBroadcasterTests extends BroadcasterContract {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	private final List<AutoCloseable> instances = new ArrayList<>();

	@AfterEach
	void closeInstances() throws Exception {
		for (AutoCloseable instance : this.instances) {
			instance.close();
		}
	}

	@Override
	protected Broadcaster create(BroadcastSettings settings, BroadcastObserver observer) {
		return new AcrossRedis(instance(settings, observer), instance(settings, observer));
	}

	RedisBroadcaster instance(BroadcastSettings settings, BroadcastObserver observer) {
		return instance(connection, settings, observer, this.instances);
	}

	/**
	 * One app instance: its own state, pub/sub connection and node id, sharing the Redis
	 * server.
	 * @param closeLater receives what the caller must close after the test
	 */
	static RedisBroadcaster instance(LettuceTestConnection connection, BroadcastSettings settings,
			BroadcastObserver observer, List<AutoCloseable> closeLater) {
		RedisSubscriber subscriber = new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8),
				Secrets.none());
		RedisBroadcaster broadcaster = new RedisBroadcaster(connection::async, subscriber,
				new DefaultFailover(connection.onRedis()), RedisBroadcaster.randomNodeId(), settings, observer);
		closeLater.add(broadcaster);
		closeLater.add(subscriber);
		return broadcaster;
	}

	@Test
	void aMessageReachesTheListenersOfEveryInstanceOnceAndTheEchoIsSkipped() throws InterruptedException {
		BroadcastSettings settings = BroadcastSettings.defaults(JsonMapper.builder().build());
		RedisBroadcaster a = instance(settings, this.observer);
		RedisBroadcaster b = instance(settings, this.observer);
		List<String> onA = new CopyOnWriteArrayList<>();
		List<String> onB = new CopyOnWriteArrayList<>();
		a.subscribe("both", String.class, (channel, text) -> onA.add(text));
		b.subscribe("both", String.class, (channel, text) -> onB.add(text));
		awaitSubscribers("both", 2);
		a.publish("both", "from a");
		b.publish("both", "from b");
		await().atMost(WAIT).until(() -> onA.size() == 2 && onB.size() == 2);
		Thread.sleep(300);
		assertThat(onA).containsExactlyInAnyOrder("from a", "from b");
		assertThat(onB).containsExactlyInAnyOrder("from a", "from b");
		// Each instance received only the other's message through Redis; its own went
		// straight to its listeners.
		assertThat(this.observer.received).hasValue(2);
	}

	@Test
	void redisIsSubscribedOnlyToChannelsWithListeners() {
		RedisBroadcaster a = instance(BroadcastSettings.defaults(JsonMapper.builder().build()), this.observer);
		a.publish("nobody-listens", "x");
		Subscription first = a.subscribe("wanted", String.class, (channel, text) -> {
		});
		Subscription second = a.subscribe("wanted", String.class, (channel, text) -> {
		});
		awaitSubscribers("wanted", 1);
		assertThat(channels()).containsExactly("wanted");
		first.close();
		assertThat(channels()).containsExactly("wanted");
		second.close();
		await().atMost(WAIT).until(() -> channels().isEmpty());
	}

	private static void awaitSubscribers(String channel, long count) {
		await().atMost(WAIT).until(() -> numsub(channel) == count);
	}

	@SuppressWarnings("unchecked")
	static long numsub(String channel) {
		List<Object> reply = (List<Object>) redis.server().command("PUBSUB", "NUMSUB", channel);
		return (Long) reply.get(1);
	}

	static long numpat() {
		return (Long) redis.server().command("PUBSUB", "NUMPAT");
	}

	@SuppressWarnings("unchecked")
	static List<String> channels() {
		return ((List<Object>) redis.server().command("PUBSUB", "CHANNELS")).stream().map(String::valueOf).toList();
	}

	/**
	 * Publishes through one instance, subscribes through another, and returns from
	 * subscribe once Redis has it.
	 */
	private static final class AcrossRedis implements Broadcaster {

		private final RedisBroadcaster publisher;

		private final RedisBroadcaster subscriber;

		private final List<String> patterns = new ArrayList<>();

		AcrossRedis(RedisBroadcaster publisher, RedisBroadcaster subscriber) {
			this.publisher = publisher;
			this.subscriber = subscriber;
		}

		@Override
		public void publish(String channel, Object message) {
			this.publisher.publish(channel, message);
		}

		@Override
		public void close() {
			// The two broadcasters are closed by the test.
		}

		@Override
		public <T> Subscription subscribe(String channel, Class<T> type, MessageListener<? super T> listener) {
			Subscription subscription = this.subscriber.subscribe(channel, type, listener);
			await().atMost(WAIT).until(() -> numsub(channel) >= 1);
			return subscription;
		}

		@Override
		public <T> Subscription subscribePattern(String pattern, Class<T> type, MessageListener<? super T> listener) {
			Subscription subscription = this.subscriber.subscribePattern(pattern, type, listener);
			if (!this.patterns.contains(pattern)) {
				this.patterns.add(pattern);
			}
			await().atMost(WAIT).until(() -> numpat() >= this.patterns.size());
			return subscription;
		}

	}

}
