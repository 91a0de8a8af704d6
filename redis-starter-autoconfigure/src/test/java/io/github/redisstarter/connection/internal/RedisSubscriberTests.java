package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared pub/sub connection: liveness per channel, isolation between listeners, and a
 * close that leaks nothing.
 */
class RedisSubscriberTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	@Test
	void oneChannelsConfirmationDoesNotMakeAnotherLive() {
		// A user allowed channel "a" only: Redis refuses the subscription to "b".
		redis.server()
			.command("ACL", "SETUSER", "listener", "on", ">listener-pw", "~*", "resetchannels", "&a", "+@all");
		// The builder, not setUsername/setPassword: Lettuce 7 (Spring Boot 4.1) removed
		// those.
		RedisURI uri = RedisURI.builder(RedisURI.create(redis.server().url()))
			.withAuthentication("listener", "listener-pw".toCharArray())
			.build();
		io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri);
		try (RedisSubscriber subscriber = new RedisSubscriber(() -> client.connectPubSub(StringCodec.UTF8),
				Secrets.none(), Duration.ofMillis(200))) {
			subscriber.subscribe("a", (channel, message) -> {
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.isLive("a"));
			subscriber.subscribe("b", (channel, message) -> {
			});
			// However long it waits, "b" is never confirmed, and "a" stays live.
			for (int i = 0; i < 10; i++) {
				assertThat(subscriber.isLive("b")).isFalse();
				assertThat(subscriber.isLive("a")).isTrue();
				sleep(50);
			}
		}
		finally {
			client.shutdown();
			redis.server().command("ACL", "DELUSER", "listener");
		}
	}

	@Test
	void aListenerThatThrowsDoesNotStopTheOthers() {
		List<String> heard = new CopyOnWriteArrayList<>();
		try (RedisSubscriber subscriber = subscriber()) {
			subscriber.subscribe("news", new RedisSubscriber.Listener() {

				@Override
				public void onMessage(String channel, String message) {
					throw new IllegalStateException("a broken listener");
				}

				@Override
				public void onGap() {
					throw new IllegalStateException("a broken listener");
				}

			});
			subscriber.subscribe("news", (channel, message) -> heard.add(message));
			await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.isLive("news"));
			redis.server().command("PUBLISH", "news", "one");
			redis.server().command("PUBLISH", "news", "two");
			await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
			assertThat(heard).containsExactly("one", "two");
		}
	}

	@Test
	void aCloseWhileTheConnectionIsBeingOpenedLeaksNoConnection() throws Exception {
		CountDownLatch opening = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<StatefulRedisPubSubConnection<String, String>> opened = new AtomicReference<>();
		io.lettuce.core.RedisClient client = connection.client();
		RedisSubscriber subscriber = new RedisSubscriber(() -> {
			opening.countDown();
			// Opening takes a while and, as a TLS handshake might, does not give way to
			// an interrupt: it finishes,
			// and hands the interrupt on.
			boolean interrupted = awaitUninterruptibly(release);
			StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
			opened.set(pubSub);
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			return pubSub;
		}, Secrets.none());
		subscriber.subscribe("news", (channel, message) -> {
		});
		subscriber.connectSoon();
		opening.await();
		subscriber.close();
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> opened.get() != null && !opened.get().isOpen());
	}

	@Test
	void aHeartbeatKeepsTheSubscriptionLiveWhileRedisAnswers() {
		try (RedisSubscriber subscriber = subscriber()) {
			subscriber.subscribe("quiet", (channel, message) -> {
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.isLive("quiet"));
			// No message for many leases: the channel stays live, vouched for by the
			// answered PINGs alone.
			for (int i = 0; i < 20; i++) {
				sleep(50);
				assertThat(subscriber.isLive("quiet")).as("after %d ms", (i + 1) * 50).isTrue();
			}
		}
	}

	private static RedisSubscriber subscriber() {
		return new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8), Secrets.none(),
				Duration.ofMillis(200));
	}

	/**
	 * @return whether the thread was interrupted meanwhile (the flag is cleared)
	 */
	private static boolean awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				latch.await();
				return interrupted;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
