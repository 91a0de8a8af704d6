package io.github.redisstarter.queue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.queue.JobQueue.NewJob;
import io.github.redisstarter.test.RedisCluster;
import io.github.redisstarter.test.RedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Queues on a Redis Cluster of three masters, through Lettuce's cluster client: three
 * queues whose names hash to three different masters each add, run, retry with backoff,
 * delay, cancel, pause, keep and retry dead letters, and count, every script routed by
 * its first key and touching only keys of its queue's slot (no CROSSSLOT, no non-local
 * key); and every key of a queue sits in that one slot, on its master.
 */
class QueueClusterTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisCluster cluster;

	private static RedisClusterClient client;

	private static StatefulRedisClusterConnection<byte[], byte[]> connection;

	private final List<JobEvent> events = new CopyOnWriteArrayList<>();

	private final WayBack wayBack = new WayBack();

	private ManagedJobQueue queue;

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start(3, 0);
		List<RedisURI> nodes = cluster.servers()
			.stream()
			.map((server) -> RedisURI.create(RedisServer.HOST, server.port()))
			.toList();
		client = RedisClusterClient.create(nodes);
		connection = client.connect(ByteArrayCodec.INSTANCE);
	}

	@AfterAll
	static void stopCluster() {
		if (connection != null) {
			connection.close();
		}
		if (client != null) {
			client.shutdown();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void closeQueue() {
		if (this.queue != null) {
			this.queue.close();
		}
		this.wayBack.close();
	}

	@Test
	void queuesOnDifferentMastersRunEveryStepAndKeepTheirKeysInOneSlot() {
		Map<String, RedisServer> masters = queuesOnDistinctMasters();
		List<QueueDefinition> definitions = masters.keySet()
			.stream()
			.map((name) -> QueueDefinition.of(name).withConcurrency(4))
			.toList();
		DefaultBackendState state = this.wayBack
			.watch(new DefaultBackendState(BackendSelection.AUTO, new RedisEndpoint(cluster.nodes(), false, null, 0),
					BackendMode.REDIS, "test", Secrets.none(), Clock.systemUTC(), Runnable::run));
		this.queue = JobQueues.onRedis(connection::async, new DefaultFailover(state), "queue",
				JsonMapper.builder().build(), definitions, this.events::add,
				new QueueSettings(Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(1)));
		Map<String, Ids> ids = new LinkedHashMap<>();
		for (String name : masters.keySet()) {
			ids.put(name, addJobs(name));
			this.queue.handle(JobQueueContract.handler(name, (job) -> switch (job.name()) {
				case "flaky" -> {
					if (job.attempt() < 3) {
						throw new IllegalStateException("flaky, attempt " + job.attempt());
					}
					yield "fine";
				}
				case "bad" -> throw new IllegalStateException("bad, attempt " + job.attempt());
				default -> job.payload(Integer.class) * 2;
			}));
		}

		for (String name : masters.keySet()) {
			Ids job = ids.get(name);
			await().atMost(WAIT).until(() -> this.queue.counts(name).equals(new QueueCounts(0, 0, 0, 12, 2, false)));
			assertThat(this.queue.job(name, job.flaky()).orElseThrow()).returns(JobState.COMPLETED, Job::state)
				.returns(3, Job::attempts)
				.returns("\"fine\"", Job::result);
			assertThat(this.queue.job(name, job.delayed()).orElseThrow()).returns(JobState.COMPLETED, Job::state)
				.returns("14", Job::result);
			assertThat(this.queue.job(name, job.bad()).orElseThrow()).returns(JobState.FAILED, Job::state)
				.returns(2, Job::attempts)
				.satisfies((bad) -> assertThat(bad.error()).contains("bad, attempt 2"));
			assertThat(this.queue.job(name, job.cancelled()).orElseThrow()).returns(JobState.FAILED, Job::state)
				.returns(0, Job::attempts)
				.returns(JobStore.CANCELLED, Job::error);
			assertThat(retries(name, job.flaky())).isEqualTo(2);
			assertThat(this.queue.deadLetters(name, 10)).extracting(Job::id)
				.containsExactlyInAnyOrder(job.bad(), job.cancelled());

			// A dead letter sent back runs its two attempts again, and fails again.
			assertThat(this.queue.retry(name, job.bad())).isTrue();
			await().atMost(WAIT)
				.until(() -> this.events.stream()
					.filter((event) -> event.jobId().equals(job.bad()) && event.type() == JobEvent.Type.FAILED)
					.count() == 2);
			assertThat(this.queue.job(name, job.bad()).orElseThrow()).returns(JobState.FAILED, Job::state)
				.returns(2, Job::attempts);
			assertThat(this.queue.purgeDeadLetters(name)).isEqualTo(2);
			assertThat(this.queue.counts(name)).isEqualTo(new QueueCounts(0, 0, 0, 12, 0, false));

			// Paused: a job added meanwhile waits, and runs once resumed.
			this.queue.pause(name);
			String later = this.queue.add(name, "double", 9, JobOptions.DEFAULTS.withId("fixed"));
			await().during(Duration.ofMillis(500))
				.atMost(WAIT)
				.until(() -> this.queue.counts(name).equals(new QueueCounts(1, 0, 0, 12, 0, true)));
			this.queue.resume(name);
			await().atMost(WAIT)
				.until(() -> this.queue.job(name, later).map(Job::state).orElse(null) == JobState.COMPLETED);
			// Its id is kept: adding it again adds nothing.
			assertThat(this.queue.add(name, "double", 1, JobOptions.DEFAULTS.withId("fixed"))).isEqualTo(later);
			assertThat(this.queue.counts(name)).isEqualTo(new QueueCounts(0, 0, 0, 13, 0, false));
		}
		assertThat(this.events).noneMatch((event) -> event.type() == JobEvent.Type.FAILED && event.detail() != null
				&& (event.detail().contains("CROSSSLOT") || event.detail().contains("non local")));

		// Every key of a queue is on its master, in the slot of its name.
		for (Map.Entry<String, RedisServer> entry : masters.entrySet()) {
			String name = entry.getKey();
			int slot = cluster.slot("{" + name + "}");
			for (RedisServer master : cluster.masters()) {
				List<String> keys = keys(master, "queue:{" + name + "}:*");
				if (master == entry.getValue()) {
					assertThat(keys).hasSizeGreaterThan(10);
					assertThat(keys).allSatisfy(
							(key) -> assertThat(((Long) master.command("CLUSTER", "KEYSLOT", key)).intValue()).as(key)
								.isEqualTo(slot));
				}
				else {
					assertThat(keys).as("keys of '%s' on another master", name).isEmpty();
				}
			}
		}
		System.out.println(
				"cluster queues " + masters.keySet() + ": " + this.wayBack.switches() + " switches away from Redis");
	}

	/**
	 * Adds 10 ready jobs (4 of priority 5), one that fails twice, one that always fails,
	 * one delayed 1s, and one delayed a minute and cancelled.
	 */
	private Ids addJobs(String name) {
		List<NewJob> ready = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ready
				.add(new NewJob("double", i, (i % 3 == 0) ? JobOptions.DEFAULTS.withPriority(5) : JobOptions.DEFAULTS));
		}
		assertThat(this.queue.addAll(name, ready)).hasSize(10).doesNotHaveDuplicates();
		String flaky = this.queue.add(name, "flaky", null,
				JobOptions.DEFAULTS.withAttempts(3).withBackoff(Backoff.fixed(Duration.ofMillis(200))));
		String bad = this.queue.add(name, "bad", null, JobOptions.DEFAULTS.withAttempts(2)
			.withBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400))));
		String delayed = this.queue.add(name, "double", 7, JobOptions.DEFAULTS.withDelay(Duration.ofSeconds(1)));
		String cancelled = this.queue.add(name, "double", 8, JobOptions.DEFAULTS.withDelay(Duration.ofMinutes(1)));
		assertThat(this.queue.cancel(name, cancelled)).isTrue();
		return new Ids(flaky, bad, delayed, cancelled);
	}

	private long retries(String name, String id) {
		return this.events.stream()
			.filter((event) -> event.queue().equals(name) && event.jobId().equals(id)
					&& event.type() == JobEvent.Type.RETRYING)
			.count();
	}

	/** Three queue names, each served by another master. */
	private static Map<String, RedisServer> queuesOnDistinctMasters() {
		Map<String, RedisServer> queues = new LinkedHashMap<>();
		Set<Integer> ports = new HashSet<>();
		for (int i = 0; queues.size() < 3; i++) {
			String name = "jobs-" + i;
			RedisServer master = cluster.masterOf("{" + name + "}");
			if (ports.add(master.port())) {
				queues.put(name, master);
			}
		}
		return queues;
	}

	@SuppressWarnings("unchecked")
	private static List<String> keys(RedisServer server, String pattern) {
		return ((List<Object>) server.command("KEYS", pattern)).stream().map(String::valueOf).toList();
	}

	record Ids(String flaky, String bad, String delayed, String cancelled) {
	}

}
