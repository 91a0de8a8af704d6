package io.github.redisstarter.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker JVM killed with SIGKILL in the middle of a job ({@link SlowWorkerProcess}):
 * while it lives, its lease holds and no other worker takes its job; once it is dead, the
 * job's lease lapses after the visibility timeout and a worker in this JVM runs it again
 * and completes it. The job completes exactly once, after two starts and with attempts 2,
 * and every other job of the queue runs and completes exactly once.
 */
class WorkerKillTests {

	private static final String QUEUE = "media";

	private static final String STARTS = "test:starts";

	private static final Duration VISIBILITY = Duration.ofMillis(1500);

	private static final int OTHERS = 20;

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	private final List<JobEvent> events = new CopyOnWriteArrayList<>();

	private Process worker;

	private Path workerLog;

	private ManagedJobQueue queue;

	@AfterEach
	void cleanUp() throws IOException {
		if (this.worker != null) {
			this.worker.destroyForcibly();
		}
		if (this.queue != null) {
			this.queue.close();
		}
		if (this.workerLog != null) {
			Files.deleteIfExists(this.workerLog);
		}
	}

	@Test
	void aJobWhoseWorkerWasKilledRunsAgainElsewhereAndCompletesOnce() throws Exception {
		this.queue = JobQueues.onRedis(connection::async, new DefaultFailover(connection.onRedis()), "queue",
				JsonMapper.builder().build(), List.of(QueueDefinition.of(QUEUE).withConcurrency(4)), this.events::add,
				new QueueSettings(Duration.ofMillis(50), VISIBILITY, Duration.ofSeconds(1)));
		// Highest priority: the worker process, which runs one job at a time, takes it.
		String victim = this.queue.add(QUEUE, "transcode", "victim",
				JobOptions.DEFAULTS.withPriority(9).withAttempts(3));
		List<String> others = new ArrayList<>();
		for (int i = 0; i < OTHERS; i++) {
			others.add(this.queue.add(QUEUE, "thumbnail", i, JobOptions.DEFAULTS.withAttempts(3)));
		}
		this.worker = startWorkerProcess();
		long pid = this.worker.pid();
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(starts()).as(this::workerOutput).containsExactly(start(victim, 1, pid)));

		this.queue.handle(new QueueHandler() {

			@Override
			public String queue() {
				return QUEUE;
			}

			@Override
			public Object handle(JobContext job) {
				redis.server().command("RPUSH", STARTS, start(job.id(), job.attempt(), ProcessHandle.current().pid()));
				return job.id();
			}

		});
		await().atMost(Duration.ofSeconds(30)).until(() -> this.queue.counts(QUEUE).completed() == OTHERS);
		// Three visibility timeouts and more: a living worker renews its lease, so the
		// victim stays its job.
		await().during(VISIBILITY.multipliedBy(3))
			.atMost(VISIBILITY.multipliedBy(5))
			.untilAsserted(
					() -> assertThat(this.queue.job(QUEUE, victim).orElseThrow()).returns(JobState.ACTIVE, Job::state)
						.returns(1, Job::attempts));

		this.worker.destroyForcibly();
		assertThat(this.worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
		// 128 + 9: the JVM died of SIGKILL, with no shutdown hook nor finally block run.
		assertThat(this.worker.exitValue()).isEqualTo(137);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.queue.job(QUEUE, victim).map(Job::state).orElse(null) == JobState.COMPLETED);
		Job done = this.queue.job(QUEUE, victim).orElseThrow();
		assertThat(done.attempts()).isEqualTo(2);
		assertThat(done.result()).isEqualTo("\"" + victim + "\"");
		long self = ProcessHandle.current().pid();
		assertThat(starts()).filteredOn((start) -> start.startsWith(victim + " "))
			.containsExactly(start(victim, 1, pid), start(victim, 2, self));
		assertThat(this.queue.counts(QUEUE)).isEqualTo(new QueueCounts(0, 0, 0, OTHERS + 1, 0, false));
		for (String other : others) {
			assertThat(this.queue.job(QUEUE, other).orElseThrow()).returns(JobState.COMPLETED, Job::state)
				.returns(1, Job::attempts);
			assertThat(starts()).filteredOn((start) -> start.startsWith(other + " "))
				.containsExactly(start(other, 1, self));
		}
		// A little longer, in case a stray second completion were on its way.
		Thread.sleep(VISIBILITY.multipliedBy(2).toMillis());
		Map<String, Long> completions = this.events.stream()
			.filter((event) -> event.type() == JobEvent.Type.COMPLETED)
			.collect(Collectors.groupingBy(JobEvent::jobId, Collectors.counting()));
		assertThat(completions).hasSize(OTHERS + 1).containsEntry(victim, 1L).allSatisfy((id, count) -> {
			assertThat(count).as(id).isEqualTo(1L);
		});
		assertThat(starts()).hasSize(OTHERS + 2);
		assertThat(this.events)
			.noneMatch((event) -> event.type() == JobEvent.Type.FAILED || event.type() == JobEvent.Type.RETRYING);
	}

	private Process startWorkerProcess() throws IOException {
		this.workerLog = Files.createTempFile("queue-worker-", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// Its own log file: the Surefire fork's stdout is Surefire's channel.
		return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
				SlowWorkerProcess.class.getName(), String.valueOf(redis.server().port()), QUEUE,
				String.valueOf(VISIBILITY.toMillis()), STARTS)
			.redirectErrorStream(true)
			.redirectOutput(this.workerLog.toFile())
			.start();
	}

	private String workerOutput() {
		try {
			return "worker process said:\n" + Files.readString(this.workerLog);
		}
		catch (IOException ex) {
			return "no output: " + ex;
		}
	}

	@SuppressWarnings("unchecked")
	private List<String> starts() {
		return ((List<Object>) redis.server().command("LRANGE", STARTS, "0", "-1")).stream()
			.map(String::valueOf)
			.toList();
	}

	private static String start(String id, int attempt, long pid) {
		return id + " " + attempt + " " + pid;
	}

}
