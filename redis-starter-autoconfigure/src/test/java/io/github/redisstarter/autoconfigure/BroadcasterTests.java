package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.autoconfigure.metrics.BroadcastMetrics;
import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Broadcaster as apps get it: two instances sharing Redis, through a Redis restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class BroadcasterTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final Duration WAIT = Duration.ofSeconds(10);

	record Notice(String text) {
	}

	private static ConfigurableApplicationContext start() {
		return TestApp.run(Map.of(), "spring.data.redis.url=" + redis.server().url(),
				"redis-starter.ping-interval=100ms", "redis-starter.ping-timeout=500ms");
	}

	@SuppressWarnings("unchecked")
	private static long subscribers(String channel) {
		return (Long) ((List<Object>) redis.server().command("PUBSUB", "NUMSUB", channel)).get(1);
	}

	@Test
	void aMessageReachesBothInstancesAndSurvivesARedisRestartWithNoAppAction(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			Broadcaster onA = a.getBean(Broadcaster.class);
			Broadcaster onB = b.getBean(Broadcaster.class);
			assertThat(onA.getClass().getSimpleName()).isEqualTo("RedisBroadcaster");
			List<Notice> heardByA = new CopyOnWriteArrayList<>();
			List<Notice> heardByB = new CopyOnWriteArrayList<>();
			onA.subscribe("notices", Notice.class, (channel, notice) -> heardByA.add(notice));
			onB.subscribe("notices", Notice.class, (channel, notice) -> heardByB.add(notice));
			await().atMost(WAIT).until(() -> subscribers("notices") == 2);

			onB.publish("notices", new Notice("one"));
			await().atMost(WAIT).until(() -> heardByA.size() == 1 && heardByB.size() == 1);

			redis.server().kill();
			BackendState stateA = a.getBean(BackendState.class);
			await().atMost(WAIT).until(() -> stateA.mode() == BackendMode.MEMORY);
			// During the outage, a publisher's own listeners still hear it.
			onA.publish("notices", new Notice("local"));
			await().atMost(WAIT).until(() -> heardByA.contains(new Notice("local")));

			redis.server().start();
			BackendState stateB = b.getBean(BackendState.class);
			await().atMost(WAIT).until(() -> stateA.mode() == BackendMode.REDIS && stateB.mode() == BackendMode.REDIS);
			// Nobody subscribed again: the subscriptions came back with the connection.
			await().atMost(WAIT).until(() -> subscribers("notices") == 2);
			onB.publish("notices", new Notice("after the restart"));
			await().atMost(WAIT).until(() -> heardByA.contains(new Notice("after the restart")));
			assertThat(heardByB).containsExactly(new Notice("one"), new Notice("after the restart"));
			assertThat(heardByA).containsExactly(new Notice("one"), new Notice("local"),
					new Notice("after the restart"));

			MeterRegistry meters = a.getBean(MeterRegistry.class);
			assertThat(meters.get(BroadcastMetrics.RECEIVED).tag("channel", "notices").counter().count()).isEqualTo(2);
			assertThat(meters.get(BroadcastMetrics.PUBLISHED).tag("channel", "notices").counter().count()).isEqualTo(1);
		}
		assertThat(output.getAll()
			.lines()
			.filter((line) -> line.contains("broadcasts reach this instance's listeners only"))).hasSize(2);
	}

	@Test
	void withoutRedisTheBroadcasterIsTheInMemoryOne() {
		try (ConfigurableApplicationContext context = TestApp.run()) {
			Broadcaster broadcaster = context.getBean(Broadcaster.class);
			assertThat(broadcaster.getClass().getSimpleName()).isEqualTo("InMemoryBroadcaster");
			List<String> heard = new CopyOnWriteArrayList<>();
			broadcaster.subscribe("c", String.class, (channel, text) -> heard.add(text));
			broadcaster.publish("c", "hello");
			await().atMost(WAIT).until(() -> heard.equals(List.of("hello")));
		}
	}

	@Test
	void metricsTagByChannelPrefixWithABound() {
		try (ConfigurableApplicationContext context = TestApp.run()) {
			Broadcaster broadcaster = context.getBean(Broadcaster.class);
			for (int i = 0; i < 200; i++) {
				broadcaster.publish("room:" + i, "x");
				broadcaster.publish("user" + i, "x");
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get(BroadcastMetrics.PUBLISHED).tag("channel", "room").counter().count()).isEqualTo(200);
			assertThat(meters.find(BroadcastMetrics.PUBLISHED).counters()).hasSizeLessThanOrEqualTo(51);
			assertThat(meters.get(BroadcastMetrics.PUBLISHED).tag("channel", "_other").counter().count()).isPositive();
		}
	}

}
