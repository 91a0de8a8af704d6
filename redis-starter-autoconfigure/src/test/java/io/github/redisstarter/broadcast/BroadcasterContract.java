package io.github.redisstarter.broadcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.connection.PayloadTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link Broadcaster} promises, run against the Redis broadcaster and the
 * in-memory one alike.
 */
abstract class BroadcasterContract {

	record Note(String text, int number) {
	}

	static final Duration WAIT = Duration.ofSeconds(5);

	protected final CountingObserver observer = new CountingObserver();

	protected Broadcaster broadcaster;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/**
	 * A broadcaster with these settings, reporting to {@code observer}. A subscription is
	 * live when {@code subscribe} returns: a message published afterwards reaches it.
	 */
	protected abstract Broadcaster create(BroadcastSettings settings, BroadcastObserver observer);

	@BeforeEach
	void createBroadcaster() {
		this.broadcaster = track(create(BroadcastSettings.defaults(JsonMapper.builder().build()), this.observer));
	}

	protected Broadcaster track(Broadcaster broadcaster) {
		this.closeables.add(broadcaster);
		return broadcaster;
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void typedMessagesArriveAsTheirTypeAndTextAsItIs() {
		List<Note> notes = new CopyOnWriteArrayList<>();
		List<String> texts = new CopyOnWriteArrayList<>();
		this.broadcaster.subscribe("notes", Note.class, (channel, note) -> notes.add(note));
		this.broadcaster.subscribe("notes", String.class, (channel, text) -> texts.add(text));
		this.broadcaster.publish("notes", new Note("hello", 1));
		this.broadcaster.publish("notes", "{\"text\":\"raw\",\"number\":2}");
		await().atMost(WAIT).until(() -> notes.size() == 2 && texts.size() == 2);
		assertThat(notes).containsExactly(new Note("hello", 1), new Note("raw", 2));
		assertThat(texts).containsExactly("{\"text\":\"hello\",\"number\":1}", "{\"text\":\"raw\",\"number\":2}");
	}

	@Test
	void aMessageReachesEachListenerOnce() throws InterruptedException {
		AtomicInteger received = new AtomicInteger();
		this.broadcaster.subscribe("once", String.class, (channel, text) -> received.incrementAndGet());
		this.broadcaster.subscribePattern("on*", String.class, (channel, text) -> received.incrementAndGet());
		this.broadcaster.publish("once", "x");
		await().atMost(WAIT).until(() -> received.get() == 2);
		Thread.sleep(300);
		assertThat(received).hasValue(2);
	}

	@Test
	void patternsMatchAsRedisGlobsDo() {
		List<String> channels = new CopyOnWriteArrayList<>();
		this.broadcaster.subscribePattern("news.[sw]*", String.class, (channel, text) -> channels.add(channel));
		this.broadcaster.subscribePattern("room:?", String.class, (channel, text) -> channels.add("room " + channel));
		for (String channel : List.of("news.sport", "news.weather", "news.politics", "news", "room:1", "room:12",
				"room:")) {
			this.broadcaster.publish(channel, "x");
		}
		this.broadcaster.publish("news.sport", "last");
		await().atMost(WAIT).until(() -> channels.size() == 4);
		assertThat(channels).containsExactlyInAnyOrder("news.sport", "news.weather", "room room:1", "news.sport");
	}

	@Test
	void aClosedSubscriptionGetsNothingMore() throws InterruptedException {
		List<String> received = new CopyOnWriteArrayList<>();
		Subscription subscription = this.broadcaster.subscribe("c", String.class,
				(channel, text) -> received.add(text));
		this.broadcaster.publish("c", "before");
		await().atMost(WAIT).until(() -> received.size() == 1);
		subscription.close();
		subscription.close();
		this.broadcaster.publish("c", "after");
		Thread.sleep(300);
		assertThat(received).containsExactly("before");
		assertThat(subscription.topic()).isEqualTo("c");
	}

	@Test
	void manyListenersEachGetEveryMessage() {
		AtomicInteger received = new AtomicInteger();
		for (int i = 0; i < 50; i++) {
			this.broadcaster.subscribe("crowd", String.class, (channel, text) -> received.incrementAndGet());
		}
		for (int i = 0; i < 20; i++) {
			this.broadcaster.publish("crowd", "m" + i);
		}
		await().atMost(WAIT).until(() -> received.get() == 50 * 20);
	}

	@Test
	void aFailingOrSlowListenerHoldsUpNoOther() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		this.broadcaster.subscribe("shared", String.class, (channel, text) -> {
			throw new IllegalStateException("listener bug");
		});
		this.broadcaster.subscribe("shared", String.class, (channel, text) -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		List<String> fast = new CopyOnWriteArrayList<>();
		this.broadcaster.subscribe("shared", String.class, (channel, text) -> fast.add(text));
		this.broadcaster.subscribe("shared", Note.class, (channel, note) -> fast.add("note"));
		for (int i = 0; i < 100; i++) {
			this.broadcaster.publish("shared", "m" + i);
		}
		await().atMost(WAIT).until(() -> fast.size() == 100);
		// The Note listener could not decode text: counted as a failed call, like the
		// throwing listener.
		assertThat(fast).hasSize(100).allMatch((text) -> text.startsWith("m"));
		await().atMost(WAIT).until(() -> this.observer.failed.get() == 200);
		release.countDown();
	}

	@Test
	void messagesOfOnePublisherOnOneChannelArriveInOrder() {
		List<Integer> received = new CopyOnWriteArrayList<>();
		this.broadcaster.subscribe("ordered", Integer.class, (channel, number) -> received.add(number));
		for (int i = 0; i < 2000; i++) {
			this.broadcaster.publish("ordered", i);
		}
		await().atMost(WAIT).until(() -> received.size() == 2000);
		for (int i = 0; i < 2000; i++) {
			assertThat(received.get(i)).isEqualTo(i);
		}
	}

	@Test
	void aListenerThatFallsBehindLosesMessagesRatherThanMemory() throws InterruptedException {
		Broadcaster small = track(
				create(new BroadcastSettings(JsonMapper.builder().build(), 2, 10, 1024), this.observer));
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger handled = heldListener(small, "burst", release);
		for (int i = 0; i < 100; i++) {
			small.publish("burst", "m" + i);
		}
		// Hold the listener until every message has come in (through Redis they arrive a
		// little later): one in its
		// hands, ten in its mailbox, the rest dropped.
		await().atMost(WAIT).until(() -> this.observer.dropped.get() >= 89);
		release.countDown();
		await().atMost(WAIT).until(() -> handled.get() + this.observer.dropped.get() == 100);
		assertThat(handled.get()).isBetween(10, 11);
	}

	@Test
	void aListenerThatFallsBehindHoldsNoMoreThanItsShareOfMemory() throws InterruptedException {
		// Room for 10,000 messages, but only 16 KiB of them: messages of 1000 characters
		// (2000 bytes and the channel).
		Broadcaster small = track(
				create(new BroadcastSettings(JsonMapper.builder().build(), 2, 10_000, 4096, 16 * 1024), this.observer));
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger handled = heldListener(small, "wide", release);
		String kilo = "x".repeat(1000);
		for (int i = 0; i < 100; i++) {
			small.publish("wide", kilo);
		}
		// One in the listener's hands, at most eight (8 x 2008 bytes within 16 KiB)
		// waiting, the rest dropped.
		await().atMost(WAIT).until(() -> this.observer.dropped.get() >= 91);
		release.countDown();
		await().atMost(WAIT).until(() -> handled.get() + this.observer.dropped.get() == 100);
		assertThat(handled.get()).isBetween(8, 9);
	}

	/**
	 * A listener that holds on to its first message until released: the others wait in
	 * its mailbox.
	 */
	private static AtomicInteger heldListener(Broadcaster broadcaster, String channel, CountDownLatch release) {
		AtomicInteger handled = new AtomicInteger();
		broadcaster.subscribe(channel, String.class, (on, text) -> {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			handled.incrementAndGet();
		});
		return handled;
	}

	@Test
	void aMessageAboveTheSizeLimitIsRefusedAndReachesNobody() {
		Broadcaster small = track(
				create(new BroadcastSettings(JsonMapper.builder().build(), 2, 10, 1024), this.observer));
		List<String> heard = new CopyOnWriteArrayList<>();
		small.subscribe("big", String.class, (channel, text) -> heard.add(text));
		// 342 three-byte chars: 1026 bytes in UTF-8, though only 342 chars.
		String tooLarge = "€".repeat(342);
		assertThatExceptionOfType(PayloadTooLargeException.class).isThrownBy(() -> small.publish("big", tooLarge))
			.withMessageContaining("the broadcast message on 'big' is 1026 bytes, above the limit of 1024 bytes")
			.withMessageContaining("redis-starter.broadcast.max-message-size");
		small.publish("big", "€".repeat(341));
		small.publish("big", "after");
		await().atMost(WAIT).until(() -> heard.contains("after"));
		assertThat(heard).containsExactly("€".repeat(341), "after");
	}

	@Test
	void badArgumentsAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.broadcaster.publish(" ", "x"))
			.withMessageContaining("'channel'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.broadcaster.publish("c", null))
			.withMessageContaining("'message'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.broadcaster.subscribe("", String.class, (channel, text) -> {
			}))
			.withMessageContaining("'channel'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.broadcaster.subscribePattern(null, String.class, (channel, text) -> {
			}))
			.withMessageContaining("'pattern'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.broadcaster.subscribe("c", null, null))
			.withMessageContaining("'type'");
	}

	/** Counts the observer's events. */
	static final class CountingObserver implements BroadcastObserver {

		final AtomicInteger published = new AtomicInteger();

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger dropped = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		@Override
		public void onPublished(String channel) {
			this.published.incrementAndGet();
		}

		@Override
		public void onReceived(String channel) {
			this.received.incrementAndGet();
		}

		@Override
		public void onDropped(String channel) {
			this.dropped.incrementAndGet();
		}

		@Override
		public void onListenerFailed(String channel, Throwable failure) {
			this.failed.incrementAndGet();
		}

	}

}
