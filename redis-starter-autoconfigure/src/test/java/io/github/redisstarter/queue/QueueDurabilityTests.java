package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.queue.JobQueue.NewJob;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the queue keeps on Redis, and what it lets go: jobs that Redis accepted survive a
 * crash of Redis with its append-only file on (each runs once afterwards, delayed and
 * prioritized ones too, and ids stay idempotent); and a queue's memory is bounded by its
 * retention, not by its traffic (after 100,000 completed jobs it holds what it held after
 * 1,000).
 */
class QueueDurabilityTests {

	private static final QueueSettings SETTINGS = new QueueSettings(Duration.ofMillis(50), Duration.ofSeconds(30),
			Duration.ofSeconds(2));

	/** Every write on disk before Redis answers it. */
	@RegisterExtension
	static final RedisServerExtension durable = new RedisServerExtension(
			RedisServer.config().arguments("--appendonly", "yes", "--appendfsync", "always"));

	@RegisterExtension
	static final LettuceTestConnection durableConnection = new LettuceTestConnection(durable);

	@RegisterExtension
	static final RedisServerExtension plain = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection plainConnection = new LettuceTestConnection(plain);

	private final List<ManagedJobQueue> instances = new ArrayList<>();

	private final WayBack wayBack = new WayBack();

	@AfterEach
	void closeInstances() {
		this.instances.forEach(ManagedJobQueue::close);
		this.wayBack.close();
	}

	private ManagedJobQueue instance(LettuceTestConnection connection, QueueDefinition definition,
			JobListener listener) {
		DefaultBackendState state = this.wayBack.watch(connection.onRedis());
		ManagedJobQueue queue = JobQueues.onRedis(connection::async, new DefaultFailover(state), "queue",
				JsonMapper.builder().build(), List.of(definition), listener, SETTINGS);
		this.instances.add(queue);
		return queue;
	}

	@Test
	void everyAcceptedJobSurvivesACrashOfRedisAndRunsOnce() {
		int total = 2000;
		QueueDefinition orders = QueueDefinition.of("orders")
			.withConcurrency(8)
			.withDefaults(JobOptions.DEFAULTS.withKeepCompleted(total));
		ManagedJobQueue adder = instance(durableConnection, orders, (event) -> {
		});
		List<String> accepted = new ArrayList<>();
		List<NewJob> batch = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			JobOptions options = JobOptions.DEFAULTS.withId("order-" + i);
			if (i % 5 == 0) {
				options = options.withDelay(Duration.ofMillis(500 + 2 * i));
			}
			else if (i % 7 == 0) {
				options = options.withPriority(1 + i % 9);
			}
			batch.add(new NewJob("ship", i, options));
			if (batch.size() == 250) {
				List<NewJob> jobs = List.copyOf(batch);
				accepted.addAll(WayBack.untilTaken(() -> adder.addAll("orders", jobs)));
				batch.clear();
			}
		}
		QueueCounts before = WayBack.untilTaken(() -> adder.counts("orders"));
		assertThat(before.waiting() + before.delayed()).isEqualTo(total);
		assertThat(before.delayed()).isGreaterThan(0);
		assertThat(durable.server().info("aof_enabled")).isEqualTo("1");
		String runId = durable.server().info("run_id");

		// SIGKILL: no shutdown, nothing written on the way out; what Redis answered is on
		// disk already (appendfsync always).
		durable.server().kill();
		durable.server().start();
		assertThat(durable.server().info("run_id")).isNotEqualTo(runId);
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> "PONG".equals(durableConnection.async().ping().get(1, TimeUnit.SECONDS)));

		QueueCounts after = WayBack.untilTaken(() -> adder.counts("orders"));
		assertThat(after).isEqualTo(before);
		// Ids are kept too: adding the first batch again adds nothing.
		List<NewJob> again = new ArrayList<>();
		for (int i = 0; i < 250; i++) {
			again.add(new NewJob("ship", i, JobOptions.DEFAULTS.withId("order-" + i)));
		}
		assertThat(WayBack.untilTaken(() -> adder.addAll("orders", again))).isEqualTo(accepted.subList(0, 250));
		assertThat(WayBack.untilTaken(() -> adder.counts("orders"))).isEqualTo(before);

		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		QueueHandler handler = handler("orders",
				(job) -> runs.computeIfAbsent(job.id(), (id) -> new AtomicInteger()).incrementAndGet());
		for (int i = 0; i < 2; i++) {
			instance(durableConnection, orders, (event) -> {
			}).handle(handler);
		}
		await().atMost(Duration.ofSeconds(60))
			.ignoreExceptions()
			.until(() -> adder.counts("orders").completed() == total);
		System.out.println("durable queue: " + this.wayBack.switches() + " switches away from Redis under load");
		assertThat(WayBack.untilTaken(() -> adder.counts("orders")))
			.isEqualTo(new QueueCounts(0, 0, 0, total, 0, false));
		assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
		assertThat(runs).allSatisfy((id, count) -> assertThat(count).as(id).hasValue(1));
		for (String id : accepted) {
			assertThat(adder.job("orders", id).orElseThrow()).returns(JobState.COMPLETED, Job::state)
				.returns(1, Job::attempts);
		}
	}

	@Test
	void aQueuesMemoryIsBoundedByItsRetentionNotByItsTraffic() {
		QueueDefinition pings = QueueDefinition.of("pings").withConcurrency(8);
		AtomicLong runs = new AtomicLong();
		ManagedJobQueue adder = instance(plainConnection, pings, (event) -> {
		});
		for (int i = 0; i < 3; i++) {
			instance(plainConnection, pings, (event) -> {
			}).handle(handler("pings", (job) -> {
				runs.incrementAndGet();
				return null;
			}));
		}
		Footprint empty = Footprint.of(plain.server());
		long started = System.nanoTime();
		run(adder, runs, 0, 1_000);
		Footprint small = Footprint.of(plain.server());
		long smallMillis = (System.nanoTime() - started) / 1_000_000;
		run(adder, runs, 1_000, 10_000);
		Footprint medium = Footprint.of(plain.server());
		run(adder, runs, 10_000, 100_000);
		Footprint large = Footprint.of(plain.server());
		long largeMillis = (System.nanoTime() - started) / 1_000_000;

		System.out.printf(
				"queue memory: empty: %s%n  after 1,000 jobs (%d ms): %s%n  after 10,000 jobs: %s%n"
						+ "  after 100,000 jobs (%d ms in all): %s%n  %d switches away from Redis under load%n",
				empty, smallMillis, small, medium, largeMillis, large, this.wayBack.switches());
		assertThat(runs).hasValue(100_000);
		assertThat(WayBack.untilTaken(() -> adder.counts("pings"))).isEqualTo(new QueueCounts(0, 0, 0, 100, 0, false));
		// The 100 kept jobs, their set, the stream and its priorities: nothing per job
		// that went.
		assertThat(large.keys()).hasSameSizeAs(small.keys()).hasSameSizeAs(medium.keys()).hasSizeLessThanOrEqualTo(105);
		assertThat(large.keyBytes()).isLessThan(small.keyBytes() + 4 * 1024);
		// What the first thousands leave (a script loaded late, tables grown to the
		// backlog, some 25KB that fall before or after the 10,000th job) does not grow
		// with traffic: the last 90,000 jobs leave less than 1.5 bytes each, where a job
		// hash or stream entry left behind would be tens to hundreds.
		assertThat(large.usedMemory()).isLessThan(small.usedMemory() + 256 * 1024)
			.isLessThan(medium.usedMemory() + 128 * 1024);
	}

	/**
	 * Adds the jobs {@code from} to {@code to} in batches of 1,000 and waits until they
	 * have all run. Each has an id, so that a batch can be sent again after a switch.
	 */
	private static void run(ManagedJobQueue adder, AtomicLong runs, int from, int to) {
		for (int start = from; start < to; start += 1000) {
			List<NewJob> batch = new ArrayList<>(1000);
			for (int i = start; i < Math.min(start + 1000, to); i++) {
				batch.add(new NewJob("ping", null, JobOptions.DEFAULTS.withId("ping-" + i)));
			}
			WayBack.untilTaken(() -> adder.addAll("pings", batch));
		}
		try {
			await().atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(200))
				.ignoreExceptions()
				.until(() -> adder.counts("pings").failed() > 0
						|| runs.get() >= to && adder.counts("pings").equals(new QueueCounts(0, 0, 0, 100, 0, false)));
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Still waiting for " + to + " runs after 2 minutes: " + runs.get() + " runs, "
					+ WayBack.untilTaken(() -> adder.counts("pings")), ex);
		}
		assertThat(adder.deadLetters("pings", 3)).as("dead letters after %d runs of %d", runs.get(), to).isEmpty();
	}

	private static QueueHandler handler(String queue, JobQueueContract.Handler body) {
		return JobQueueContract.handler(queue, body);
	}

	/**
	 * What the server holds: its keys (this test's queue only), their bytes (MEMORY
	 * USAGE, every element counted), the dataset (MEMORY STATS: used memory less the
	 * server's own overhead, such as client buffers) and the used memory (INFO).
	 */
	record Footprint(Set<String> keys, long keyBytes, long datasetBytes, long usedMemory) {

		@SuppressWarnings("unchecked")
		static Footprint of(RedisServer server) {
			// The slow log keeps the arguments of up to 128 slow commands (big adds).
			server.command("SLOWLOG", "RESET");
			Set<String> keys = new HashSet<>();
			long keyBytes = 0;
			for (Object key : (List<Object>) server.command("KEYS", "*")) {
				keys.add(key.toString());
				keyBytes += (Long) server.command("MEMORY", "USAGE", key.toString(), "SAMPLES", "0");
			}
			List<Object> stats = (List<Object>) server.command("MEMORY", "STATS");
			long dataset = 0;
			for (int i = 0; i + 1 < stats.size(); i += 2) {
				if ("dataset.bytes".equals(stats.get(i))) {
					dataset = (Long) stats.get(i + 1);
				}
			}
			return new Footprint(keys, keyBytes, dataset, Long.parseLong(server.info("used_memory")));
		}

		@Override
		public String toString() {
			return this.keys.size() + " keys of " + this.keyBytes + " bytes, dataset " + this.datasetBytes
					+ " bytes, used_memory " + this.usedMemory;
		}

	}

}
