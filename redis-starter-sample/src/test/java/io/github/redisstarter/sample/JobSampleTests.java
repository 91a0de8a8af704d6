package io.github.redisstarter.sample;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job queue in the sample, two instances on one Redis: an upload to one becomes a job
 * whose completion reaches the WebSocket clients of both and whose state either shows;
 * the repeatable sync runs once per tick across both; the board's endpoint lists the
 * queues. And the same upload with no Redis, in memory.
 */
class JobSampleTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void anUploadToOneInstanceIsDigestedAndItsCompletionReachesTheClientsOfBoth() throws Exception {
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		// The nightly sync every second, to see it run once per tick across both.
		String everySecond = "--redis-starter.queue.queues.sync.repeat.nightly.cron=";
		String interval = "--redis-starter.queue.queues.sync.repeat.nightly.every=1s";
		try (SampleProcess a = SampleProcess.start(env, everySecond, interval);
				SampleProcess b = SampleProcess.start(env, everySecond, interval)) {
			List<String> onA = new CopyOnWriteArrayList<>();
			List<String> onB = new CopyOnWriteArrayList<>();
			WebSocket clientA = a.listen("/ws/jobs", onA);
			WebSocket clientB = b.listen("/ws/jobs", onB);
			await().atMost(WAIT).until(() -> subscribers("jobs") == 2);

			byte[] bytes = new byte[10_000];
			for (int i = 0; i < bytes.length; i++) {
				bytes[i] = (byte) (i * 7);
			}
			HttpResponse<String> accepted = a.upload("/api/media", "cat.png", bytes);
			assertThat(accepted.statusCode()).isEqualTo(202);
			String id = JSON.readTree(accepted.body()).path("id").asString();
			assertThat(id).isNotEmpty();

			await().atMost(WAIT)
				.until(() -> onA.stream().anyMatch((m) -> m.contains(id))
						&& onB.stream().anyMatch((m) -> m.contains(id)));
			JsonNode update = JSON.readTree(onB.stream().filter((m) -> m.contains(id)).findFirst().orElseThrow());
			assertThat(update.path("state").asString()).isEqualTo("completed");
			String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
			assertThat(update.path("result").path("sha256").asString()).isEqualTo(sha256);

			JsonNode job = b.getJson("/api/jobs/" + id);
			assertThat(job.path("state").asString()).isEqualTo("completed");
			assertThat(job.path("queue").asString()).isEqualTo("media");
			assertThat(job.path("attempts").asInt()).isEqualTo(1);
			assertThat(job.path("progress").asInt()).isEqualTo(50);
			assertThat(job.path("result").path("size").asInt()).isEqualTo(10_000);
			assertThat(job.path("result").path("thumbnail").asString()).hasSize(32);
			assertThat(job.has("payload")).isFalse();
			assertThat(b.get("/api/jobs/no-such-job").statusCode()).isEqualTo(404);
			assertThat(a.upload("/api/media", "empty.png", new byte[0]).statusCode()).isEqualTo(400);

			// The sync: each tick once, on one instance or the other.
			await().atMost(WAIT).until(() -> runs(a).size() + runs(b).size() >= 5);
			List<String> all = new ArrayList<>(runs(a));
			all.addAll(runs(b));
			Set<String> distinct = new HashSet<>(all);
			assertThat(distinct).hasSameSizeAs(all);
			List<Long> ticks = all.stream()
				.map((run) -> Long.parseLong(run.substring("nightly@".length())))
				.sorted()
				.toList();
			for (int i = 1; i < ticks.size(); i++) {
				assertThat(ticks.get(i) - ticks.get(i - 1)).isEqualTo(1000);
			}

			// The board's source.
			JsonNode queues = a.getJson("/actuator/queues").path("queues");
			assertThat(queues.path("media").path("completed").asInt()).isEqualTo(1);
			assertThat(queues.path("sync").path("completed").asInt()).isGreaterThanOrEqualTo(5);
			assertThat(a.get("/board.html").statusCode()).isEqualTo(200);
			clientA.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
			clientB.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void withoutRedisAnUploadRunsInThisInstance() throws Exception {
		try (SampleProcess sample = SampleProcess.start(Map.of())) {
			HttpResponse<String> accepted = sample.upload("/api/media", "dog.png", new byte[] { 1, 2, 3 });
			assertThat(accepted.statusCode()).isEqualTo(202);
			String id = JSON.readTree(accepted.body()).path("id").asString();
			await().atMost(WAIT)
				.until(() -> sample.getJson("/api/jobs/" + id).path("state").asString().equals("completed"));
			assertThat(sample.getJson("/actuator/health")
				.path("components")
				.path("queues")
				.path("details")
				.path("store")
				.asString()).isEqualTo("memory");
		}
	}

	private static List<String> runs(SampleProcess sample) throws Exception {
		List<String> runs = new ArrayList<>();
		sample.getJson("/api/sync/runs").forEach((run) -> runs.add(run.asString()));
		return runs;
	}

	@SuppressWarnings("unchecked")
	private static long subscribers(String channel) {
		return (Long) ((List<Object>) redis.server().command("PUBSUB", "NUMSUB", channel)).get(1);
	}

}
