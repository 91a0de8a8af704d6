package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract on Redis, each instance with its own backend state on one server; and what
 * only Redis shows: every key of a queue in one hash tag.
 */
class RedisJobQueueTests extends JobQueueContract {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	@Override
	protected ManagedJobQueue instance(Collection<QueueDefinition> definitions, JobListener listener,
			QueueSettings settings) {
		return JobQueues.onRedis(connection::async, new DefaultFailover(connection.onRedis()), "queue", JSON,
				definitions, listener, settings);
	}

	@Override
	protected JobStore sharedStore() {
		return new RedisJobStore(connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(2)), "queue");
	}

	@Test
	void jobsGivenByAClaimWhoseAnswerWasLostRunAtTheNextClaimWithTheirAttemptUnchanged() {
		QueueSettings slowLeases = new QueueSettings(Duration.ofMillis(50), Duration.ofSeconds(30),
				Duration.ofMillis(500));
		ManagedJobQueue queue = queue(slowLeases, QueueDefinition.of("orphans").withConcurrency(2));
		String first = queue.add("orphans", "x", 1, JobOptions.DEFAULTS.withAttempts(1));
		String second = queue.add("orphans", "x", 2, JobOptions.DEFAULTS.withAttempts(1));
		// The store gives both to this instance's worker, which never hears of it (as
		// when the answer misses its deadline).
		String consumer = ((DefaultJobQueue) queue).consumer();
		assertThat(sharedStore().claim("orphans", consumer, 2, slowLeases.visibilityTimeout(), List.of()).jobs())
			.hasSize(2);
		long started = System.nanoTime();
		queue.handle(handler("orphans", (job) -> "ran attempt " + job.attempt()));
		for (String id : List.of(first, second)) {
			org.awaitility.Awaitility.await()
				.atMost(WAIT)
				.until(() -> queue.job("orphans", id).map(Job::state).orElse(null) == JobState.COMPLETED);
			Job done = queue.job("orphans", id).orElseThrow();
			assertThat(done.attempts()).isEqualTo(1);
			assertThat(done.result()).isEqualTo("\"ran attempt 1\"");
		}
		// At the worker's first claim, not after the 30 s visibility timeout.
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void anEndSentAgainAfterItsAnswerWasLostCountsAsEnded() {
		queue(QueueDefinition.of("ends")).add("ends", "x", null);
		JobStore store = sharedStore();
		JobStore.ClaimedJob job = store.claim("ends", "w1", 1, Duration.ofSeconds(30), List.of()).jobs().get(0);
		assertThat(store.finish(job, "w1", JobStore.Outcome.completed("1"))).isTrue();
		// The same call again, as the worker sends it when the first answer missed its
		// deadline: ended (its events are told), and nothing changes.
		assertThat(store.finish(job, "w1", JobStore.Outcome.completed("2"))).isTrue();
		assertThat(store.job("ends", job.id()).result()).isEqualTo("1");
		JobStore.ClaimedJob other = new JobStore.ClaimedJob(job.queue(), job.id(), job.name(), job.payload(), 2,
				job.maxAttempts(), job.backoff(), job.keepCompleted(), job.keepFailed(), job.keepForMillis(),
				job.token().replaceAll(" 1$", " 2"));
		assertThat(store.finish(other, "w1", JobStore.Outcome.completed("4"))).isFalse();
	}

	@Test
	@SuppressWarnings("unchecked")
	void aStoppedInstanceLeavesTheGroupWhereItHoldsNoJob() {
		ManagedJobQueue stays = queue(QueueDefinition.of("groups"));
		ManagedJobQueue stops = queue(QueueDefinition.of("groups"));
		QueueHandler slow = handler("groups", (job) -> {
			Thread.sleep(100);
			return null;
		});
		stays.handle(slow);
		stops.handle(slow);
		// A consumer joins the group with its first job: enough jobs for both.
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(stays.add("groups", "x", i));
		}
		org.awaitility.Awaitility.await()
			.atMost(WAIT)
			.until(() -> ids.stream()
				.allMatch((id) -> stays.job("groups", id).map(Job::state).orElse(null) == JobState.COMPLETED));
		assertThat(consumers("groups")).containsExactlyInAnyOrder(((DefaultJobQueue) stays).consumer(),
				((DefaultJobQueue) stops).consumer());
		stops.close();
		assertThat(consumers("groups")).containsExactly(((DefaultJobQueue) stays).consumer());
	}

	@SuppressWarnings("unchecked")
	private static List<String> consumers(String queue) {
		List<Object> groups = (List<Object>) redis.server()
			.command("XINFO", "CONSUMERS", "queue:{" + queue + "}:ready:0", "workers");
		return groups.stream().map((consumer) -> String.valueOf(((List<Object>) consumer).get(1))).toList();
	}

	@Test
	void everyKeyOfAQueueSharesItsHashTag() {
		ManagedJobQueue queue = queue(QueueDefinition.of("media"));
		queue.handle(handler("media", (job) -> {
			if (job.payload(Integer.class) % 3 == 0) {
				throw new IllegalStateException("no");
			}
			return null;
		}));
		queue.add("media", "x", 0);
		queue.add("media", "x", 1, JobOptions.DEFAULTS.withPriority(4));
		queue.add("media", "x", 2, JobOptions.DEFAULTS.withDelay(Duration.ofMinutes(1)));
		queue.add("media", "x", 3,
				JobOptions.DEFAULTS.withAttempts(2).withBackoff(Backoff.fixed(Duration.ofMinutes(1))));
		org.awaitility.Awaitility.await()
			.atMost(WAIT)
			.until(() -> queue.counts("media").completed() == 1 && queue.counts("media").failed() == 1
					&& queue.counts("media").delayed() == 2);
		@SuppressWarnings("unchecked")
		List<String> keys = (List<String>) redis.server().command("KEYS", "*");
		assertThat(keys).hasSizeGreaterThan(8).allMatch((key) -> key.startsWith("queue:{media}:"));
	}

}
