package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two app instances on one Redis declare one repeatable job, every second, for a minute:
 * every tick runs exactly once, on one instance or the other. No job is kept once done,
 * so that only the queue's tick marker keeps the second instance from adding a tick
 * again.
 */
class RepeatableJobTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	/** Runs per job id, across both instances. */
	static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	static final class Sync {

		final AtomicInteger mine = new AtomicInteger();

		@JobHandler("sync")
		void run(JobContext job) {
			RUNS.computeIfAbsent(job.id(), (id) -> new AtomicInteger()).incrementAndGet();
			this.mine.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		Sync sync() {
			return new Sync();
		}

	}

	private static ConfigurableApplicationContext start() {
		return TestApp.runWith(new Class<?>[] { Handlers.class }, Map.of(),
				"spring.data.redis.url=" + redis.server().url(), "redis-starter.queue.poll-interval=50ms",
				"redis-starter.queue.queues.sync.repeat.nightly.every=1s",
				// No job kept once done: only the tick marker keeps a tick from running
				// twice.
				"redis-starter.queue.queues.sync.keep-completed=0");
	}

	@Test
	void twoInstancesRunEachTickOnceOverTwentySeconds() throws InterruptedException {
		int mineA;
		int mineB;
		try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start()) {
			// Twenty ticks are enough to meet every race between the two; the suite has a
			// time budget.
			Thread.sleep(Duration.ofSeconds(20).toMillis());
			a.stop();
			b.stop();
			mineA = a.getBean(Sync.class).mine.get();
			mineB = b.getBean(Sync.class).mine.get();
		}
		assertThat(RUNS.values()).allMatch((runs) -> runs.get() == 1);
		List<Long> ticks = RUNS.keySet()
			.stream()
			.map((id) -> Long.parseLong(id.substring("nightly@".length())))
			.sorted()
			.toList();
		// A tick whose add found Redis too slow on a busy machine is skipped, never
		// doubled.
		assertThat(ticks).hasSizeGreaterThanOrEqualTo(17);
		for (int i = 1; i < ticks.size(); i++) {
			assertThat((ticks.get(i) - ticks.get(i - 1)) % 1000).as("ticks on the second").isZero();
		}
		assertThat(mineA + mineB).isEqualTo(ticks.size());
	}

}
