package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.redisstarter.autoconfigure.endpoint.QueuesEndpoint;
import io.github.redisstarter.autoconfigure.metrics.QueueMetrics;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.queue.JobQueue;
import io.github.redisstarter.queue.JobState;
import io.github.redisstarter.queue.ManagedJobQueue;
import io.github.redisstarter.queue.QueueUnavailableException;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The job queue of an app on Redis through outages: while Redis is away an add fails at
 * once with a clear exception (nothing hangs, nothing is silently dropped), workers pause
 * and resume by themselves when Redis is back, a job that finished during the outage is
 * ended once Redis answers, and no accepted job is lost.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueOutageTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** Generous: the point is seconds, not Lettuce's 60 s. */
	private static final Duration CALL_BOUND = Duration.ofSeconds(3);

	static final class Work {

		final Map<String, Integer> runs = new ConcurrentHashMap<>();

		final List<String> order = new CopyOnWriteArrayList<>();

		volatile CountDownLatch gate = new CountDownLatch(0);

		@JobHandler("work")
		String run(String payload, JobContext job) throws InterruptedException {
			this.gate.await(30, TimeUnit.SECONDS);
			this.runs.merge(payload, 1, Integer::sum);
			this.order.add(payload);
			return "did " + payload;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		Work work() {
			return new Work();
		}

	}

	private static ConfigurableApplicationContext start(String... settings) {
		List<String> all = new ArrayList<>(
				List.of("spring.data.redis.url=" + redis.server().url(), "redis-starter.ping-interval=100ms",
						"redis-starter.ping-timeout=500ms", "redis-starter.queue.poll-interval=50ms"));
		all.addAll(List.of(settings));
		return TestApp.runWith(new Class<?>[] { Handlers.class }, Map.of(), all.toArray(String[]::new));
	}

	private static double jobs(MeterRegistry meters, String state) {
		return meters.get(QueueMetrics.JOBS).tags("queue", "work", "state", state).gauge().value();
	}

	@Test
	void whileRedisIsAwayAddsFailAtOnceAndWorkersResumeWhenItIsBack(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start()) {
			JobQueue queue = context.getBean(JobQueue.class);
			Work work = context.getBean(Work.class);
			BackendState state = context.getBean(BackendState.class);
			List<String> accepted = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				accepted.add(queue.add("work", "job", "before-" + i));
			}
			await().atMost(WAIT).until(() -> work.runs.size() == 20);

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(WAIT).until(() -> jobs(meters, "completed") == 20);
			assertThat(meters.get(QueueMetrics.COMPLETED).tag("queue", "work").counter().count()).isEqualTo(20);
			assertThat(meters.get(QueueMetrics.DURATION).tag("queue", "work").timer().count()).isEqualTo(20);

			redis.server().kill();
			await().atMost(WAIT).until(() -> state.mode() == BackendMode.MEMORY);
			await().atMost(WAIT).until(() -> Double.isNaN(jobs(meters, "completed")));
			for (int i = 0; i < 5; i++) {
				long start = System.nanoTime();
				assertThatExceptionOfType(QueueUnavailableException.class)
					.isThrownBy(() -> queue.add("work", "job", "during"))
					.withMessageStartingWith("Queue 'work' is unavailable: Redis is away");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
			}

			redis.server().start();
			await().atMost(WAIT).until(() -> state.mode() == BackendMode.REDIS);
			for (int i = 0; i < 20; i++) {
				accepted.add(queue.add("work", "job", "after-" + i));
			}
			await().atMost(WAIT).until(() -> work.runs.size() == 40);
			assertThat(work.runs.values()).allMatch((runs) -> runs == 1);
			assertThat(work.runs).doesNotContainKey("during");
		}
		assertThat(Logs.starterLines(output, "ERROR")).hasSize(1);
		assertThat(Logs.starterLines(output, "INFO").stream().filter((line) -> line.contains("is back"))).hasSize(1);
		assertThat(output.getAll()).contains("job adds fail with QueueUnavailableException and workers pause");
	}

	@Test
	void aJobThatFinishesWhileRedisHangsIsEndedOnceRedisAnswersAgain() {
		try (ConfigurableApplicationContext context = start()) {
			JobQueue queue = context.getBean(JobQueue.class);
			Work work = context.getBean(Work.class);
			BackendState state = context.getBean(BackendState.class);
			work.gate = new CountDownLatch(1);
			String running = queue.add("work", "job", "running");
			List<String> waiting = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				waiting.add(queue.add("work", "job", "waiting-" + i));
			}
			await().atMost(WAIT)
				.until(() -> queue.job("work", running).map((job) -> job.state() == JobState.ACTIVE).orElse(false));

			redis.server().pause();
			long start = System.nanoTime();
			assertThatExceptionOfType(QueueUnavailableException.class)
				.isThrownBy(() -> queue.add("work", "job", "during"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
			await().atMost(WAIT).until(() -> state.mode() == BackendMode.MEMORY);
			// The handler ends while Redis is away: the outcome waits for Redis.
			work.gate.countDown();
			await().atMost(WAIT).until(() -> work.runs.containsKey("running"));

			redis.server().resume();
			await().atMost(WAIT).until(() -> state.mode() == BackendMode.REDIS);
			await().atMost(WAIT)
				.until(() -> queue.job("work", running).map((job) -> job.state() == JobState.COMPLETED).orElse(false));
			await().atMost(WAIT)
				.until(() -> waiting.stream()
					.allMatch((id) -> queue.job("work", id)
						.map((job) -> job.state() == JobState.COMPLETED)
						.orElse(false)));
			assertThat(queue.job("work", running).orElseThrow().attempts()).isEqualTo(1);
			assertThat(work.runs.values()).allMatch((runs) -> runs == 1);
			// The add during the hang may have reached Redis or not; nothing else ran.
			assertThat(work.runs.keySet()).hasSizeBetween(6, 7);
		}
	}

	@Test
	void withALocalBufferAddsWaitForRedisAndReachItInOrder() {
		try (ConfigurableApplicationContext context = start("redis-starter.queue.buffer-capacity=5")) {
			ManagedJobQueue queue = context.getBean(ManagedJobQueue.class);
			Work work = context.getBean(Work.class);
			BackendState state = context.getBean(BackendState.class);
			redis.server().kill();
			await().atMost(WAIT).until(() -> state.mode() == BackendMode.MEMORY);
			List<String> buffered = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				buffered.add(queue.add("work", "job", "buffered-" + i));
			}
			assertThat(queue.buffered("work")).isEqualTo(5);
			// The board's source says Redis is away, rather than fail.
			Map<String, Object> board = new QueuesEndpoint(queue, false).queue("work");
			assertThat(board).containsEntry("buffered", 5);
			assertThat((String) board.get("unavailable")).startsWith("Queue 'work' is unavailable: Redis is away");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get(QueueMetrics.BUFFERED).tag("queue", "work").gauge().value()).isEqualTo(5);
			assertThatExceptionOfType(QueueUnavailableException.class)
				.isThrownBy(() -> queue.add("work", "job", "one too many"))
				.withMessageContaining("the local buffer is full (5 of 5 jobs wait for Redis)");

			redis.server().start();
			await().atMost(WAIT).until(() -> work.runs.size() == 5);
			assertThat(work.order).containsExactly("buffered-0", "buffered-1", "buffered-2", "buffered-3",
					"buffered-4");
			assertThat(queue.buffered("work")).isZero();
			assertThat(meters.get(QueueMetrics.BUFFERED).tag("queue", "work").gauge().value()).isZero();
			assertThat(buffered).allMatch((id) -> queue.job("work", id).orElseThrow().state() == JobState.COMPLETED);
		}
	}

}
