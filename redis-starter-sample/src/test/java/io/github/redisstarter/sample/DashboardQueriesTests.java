package io.github.redisstarter.sample;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard (docs/grafana/redis-starter.json) against a real Prometheus: the
 * sample runs on a harness Redis and gets traffic that moves every meter the dashboard
 * reads (an outage of Redis among it), Prometheus scrapes its /actuator/prometheus every
 * second, and every query of the dashboard, its variables' queries included, returns data
 * through Prometheus' HTTP API. Needs Debian's {@code prometheus} package (run with
 * -Pmachine-services; .ci/run installs it).
 */
@Tag("machine")
class DashboardQueriesTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	static final Path DASHBOARD = Path.of("../docs/grafana/redis-starter.json");

	private static final String JOB = "redis-starter-sample";

	/**
	 * What the test puts in for Grafana's {@code $__rate_interval}: longer than the whole
	 * test, so that the rates of both waves of traffic are still in the window when the
	 * last query runs, however slowly a busy machine gets there.
	 */
	private static final String RATE_INTERVAL = "5m";

	/**
	 * The meter families the issue asks the dashboard to show, as Prometheus names them
	 * (without _total, _count, _sum, _max).
	 */
	private static final List<String> REQUIRED = List.of("redis_starter_backend_mode", "redis_starter_backend_switches",
			"redis_starter_backend_ping_latency_seconds", "redis_starter_backend_call_deadline_seconds",
			"redis_starter_ratelimit_decisions", "redis_starter_ratelimit_fallbacks", "redis_starter_ratelimit_errors",
			"redis_starter_ratelimit_check_seconds", "redis_starter_cache_gets", "redis_starter_cache_loads",
			"redis_starter_cache_load_seconds", "redis_starter_cache_errors", "redis_starter_cache_evictions",
			"redis_starter_broadcast_published", "redis_starter_broadcast_received", "redis_starter_broadcast_dropped",
			"redis_starter_broadcast_failed", "redis_starter_queue_jobs", "redis_starter_queue_buffered",
			"redis_starter_queue_completed", "redis_starter_queue_failed", "redis_starter_queue_duration_seconds");

	private static final Pattern METRIC = Pattern.compile("\\b(redis_starter_[a-z0-9_]+)");

	private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*(\\w+)\\)$");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * One query of the dashboard: where it is, and its PromQL as the dashboard has it.
	 */
	record Query(String where, String expr) {
	}

	@Test
	void everyQueryOfTheDashboardReturnsDataFromPrometheusScrapingTheSample() throws Exception {
		Path binary = prometheusBinary();
		JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
		List<Query> panels = panelQueries(dashboard);
		Map<String, String> variables = variableQueries(dashboard);
		assertThat(families(panels)).as("meter families the dashboard's panels read").containsAll(REQUIRED);

		Path work = Files.createTempDirectory("redis-starter-prometheus-");
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		try (SampleProcess sample = SampleProcess.start(env, "--spring.main.sources=" + FailingJobs.class.getName(),
				"--redis-starter.queue.queues." + FailingJobs.QUEUE + ".attempts=2",
				"--redis-starter.queue.queues." + FailingJobs.QUEUE + ".repeat.tick.every=1s");
				Prometheus prometheus = Prometheus.start(binary, work, URI.create(sample.url("/")).getAuthority())) {
			String instance = URI.create(sample.url("/")).getAuthority();
			prometheus.awaitTargetUp();
			traffic(sample, prometheus);

			// The dashboard reads every family of the starter's that the sample serves,
			// and none that it does not.
			assertThat(families(panels)).as("families the dashboard reads, against those the sample serves")
				.isEqualTo(families(sample.get("/actuator/prometheus").body()));

			// One value selected, put in as Grafana's Prometheus data source does: $job
			// (single-value) as a literal, $instance (multi-value) as a regex.
			Map<String, String> values = Map.of("$__rate_interval", RATE_INTERVAL, "$job", literal(JOB), "$instance",
					regex(instance));
			for (Query query : panels) {
				// The test's one outage shows as a round trip.
				boolean positive = query.where().startsWith("Round trips to the twins and back");
				awaitData(prometheus, query, substitute(query.expr(), values), positive);
			}
			for (Map.Entry<String, String> variable : variables.entrySet()) {
				Matcher labelValues = LABEL_VALUES.matcher(variable.getValue());
				assertThat(labelValues.matches()).as("variable %s: %s", variable.getKey(), variable.getValue())
					.isTrue();
				String selector = substitute(labelValues.group(1), values);
				JsonNode found = prometheus.api("/api/v1/label/" + labelValues.group(2) + "/values?match[]="
						+ URLEncoder.encode(selector, StandardCharsets.UTF_8));
				List<String> labels = new ArrayList<>();
				found.path("data").forEach((value) -> labels.add(value.asString()));
				assertThat(labels).as("variable %s: %s", variable.getKey(), variable.getValue())
					.contains(variable.getKey().equals("job") ? JOB : instance);
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(work);
		}
	}

	/**
	 * Two waves of requests, so that the meters a first request makes are seen by
	 * Prometheus before the second wave moves them (a counter that first appears with its
	 * value moves no rate); then a GC and a short outage of Redis with pings during it
	 * (the outage policy). The failing jobs run all along ({@link FailingJobs}).
	 */
	private void traffic(SampleProcess sample, Prometheus prometheus) throws Exception {
		wave(sample);
		prometheus.awaitSeries(starterSeries(sample.get("/actuator/prometheus").body()));
		wave(sample);
		gc(sample);
		redis.server().pause();
		try {
			awaitMode(sample, "memory");
			for (int i = 0; i < 3; i++) {
				sample.get("/api/ping");
			}
		}
		finally {
			redis.server().resume();
		}
		awaitMode(sample, "redis");
	}

	/**
	 * Pings past the limit, a role update (eviction), role reads (misses, hits, an empty
	 * load), the role names twice, a notification and uploads.
	 */
	private static void wave(SampleProcess sample) throws Exception {
		for (int i = 0; i < 8; i++) {
			assertThat(sample.get("/api/ping").statusCode()).isIn(200, 429);
		}
		assertThat(
				sample.put("/api/roles/editor", "{\"name\":\"Editor\",\"permissions\":[\"posts:read\"]}").statusCode())
			.isEqualTo(200);
		for (int i = 0; i < 2; i++) {
			assertThat(sample.get("/api/roles/editor").statusCode()).isEqualTo(200);
			assertThat(sample.get("/api/roles/no-such-role").statusCode()).isEqualTo(404);
			assertThat(sample.get("/api/role-names").statusCode()).isEqualTo(200);
		}
		assertThat(sample.post("/api/notifications", "{\"text\":\"dashboard\"}").statusCode()).isEqualTo(202);
		for (int i = 0; i < 3; i++) {
			assertThat(sample.upload("/api/media", "f.bin", new byte[] { 1, 2, 3, (byte) i }).statusCode())
				.isEqualTo(202);
		}
	}

	/** How many series of the starter's a scrape holds. */
	private static int starterSeries(String scrape) {
		return (int) scrape.lines().filter((line) -> line.startsWith("redis_starter_")).count();
	}

	/**
	 * A GC in the sample's JVM (jcmd GC.run), so that Boot's jvm.gc.pause meter exists.
	 */
	private static void gc(SampleProcess sample) throws Exception {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(sample.pid()), "GC.run")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0).as(jcmd + ": " + output).isTrue();
	}

	private static void awaitMode(SampleProcess sample, String mode) {
		await().atMost(WAIT).until(() -> sample.getJson("/api/backend").path("mode").asString().equals(mode));
	}

	/**
	 * Evaluates {@code expr} at Prometheus' now until it returns a sample that is a
	 * number, not NaN (a new series needs two scrapes for a rate, and a ratio of rates is
	 * NaN until both moved), one above zero if {@code positive}; fails with the panel and
	 * the expression.
	 */
	private static void awaitData(Prometheus prometheus, Query query, String expr, boolean positive) throws Exception {
		long deadline = System.nanoTime() + WAIT.toNanos();
		JsonNode response;
		do {
			response = prometheus.query(expr);
			if (!"success".equals(response.path("status").asString())) {
				fail("Prometheus refused the query of " + query.where() + ": " + expr + "\n" + response);
			}
			List<Double> values = new ArrayList<>();
			response.path("data")
				.path("result")
				.forEach((sample) -> values.add(Double.parseDouble(sample.path("value").path(1).asString())));
			if (values.stream().anyMatch((value) -> !value.isNaN() && (!positive || value > 0))) {
				return;
			}
			Thread.sleep(500);
		}
		while (System.nanoTime() < deadline);
		fail((positive ? "No value above 0 for " : "No data (or only NaN) for ") + query.where() + ": " + expr + "\n"
				+ response);
	}

	/** Every panel target's expr, nested rows' panels included, named by panel title. */
	static List<Query> panelQueries(JsonNode dashboard) {
		List<Query> queries = new ArrayList<>();
		collect(dashboard.path("panels"), queries);
		assertThat(queries).as("queries of the dashboard's panels").isNotEmpty();
		return queries;
	}

	private static void collect(JsonNode panels, List<Query> queries) {
		for (JsonNode panel : panels) {
			String title = panel.path("title").asString();
			if (panel.path("type").asString().equals("row")) {
				collect(panel.path("panels"), queries);
				continue;
			}
			assertThat(panel.path("datasource").path("uid").asString()).as(title).isEqualTo("${datasource}");
			assertThat(panel.path("targets").isEmpty()).as(title + " has no query").isFalse();
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("expr").asString()).as(title).isNotBlank();
				queries.add(new Query(title + " (" + target.path("refId").asString() + ")",
						target.path("expr").asString()));
			}
			collect(panel.path("panels"), queries);
		}
	}

	/** The dashboard's query variables: name to query. */
	static Map<String, String> variableQueries(JsonNode dashboard) {
		Map<String, String> queries = new LinkedHashMap<>();
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if (variable.path("type").asString().equals("query")) {
				JsonNode query = variable.path("query");
				queries.put(variable.path("name").asString(),
						query.isObject() ? query.path("query").asString() : query.asString());
			}
		}
		return queries;
	}

	/**
	 * The starter's meter families these queries read: names without the suffixes of
	 * counters, timers and summaries.
	 */
	private static Set<String> families(List<Query> queries) {
		StringBuilder all = new StringBuilder();
		queries.forEach((query) -> all.append(query.expr()).append('\n'));
		return families(all.toString());
	}

	private static Set<String> families(String text) {
		Set<String> families = new TreeSet<>();
		for (String line : text.split("\n")) {
			if (line.startsWith("#")) {
				continue;
			}
			Matcher metric = METRIC.matcher(line);
			while (metric.find()) {
				families.add(metric.group(1).replaceFirst("_(total|count|sum|max|bucket)$", ""));
			}
		}
		return families;
	}

	/**
	 * Puts in the values of Grafana's variables, {@code $name} or {@code ${name}}; fails
	 * on any other.
	 */
	static String substitute(String expr, Map<String, String> values) {
		String result = expr;
		for (Map.Entry<String, String> value : values.entrySet()) {
			String name = value.getKey().substring(1);
			result = result.replace("${" + name + "}", value.getValue()).replace("$" + name, value.getValue());
		}
		assertThat(result).as("a Grafana variable the test does not know in " + expr).doesNotContain("$");
		return result;
	}

	/**
	 * A value of a single-value variable as Grafana's Prometheus data source puts it into
	 * a query: backslashes doubled.
	 */
	static String literal(String value) {
		return value.replace("\\", "\\\\");
	}

	/**
	 * A value of a multi-value variable as Grafana's Prometheus data source puts it into
	 * a query: regex metacharacters escaped with a backslash, and backslashes doubled for
	 * the string literal.
	 */
	static String regex(String value) {
		return value.replace("\\", "\\\\\\\\").replaceAll("[$^*{}\\[\\]+?.()|]", "\\\\\\\\$0");
	}

	/**
	 * {@code prometheus} on PATH, else Debian's /usr/bin/prometheus; fails if neither.
	 */
	private static Path prometheusBinary() {
		List<Path> candidates = new ArrayList<>();
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (!directory.isEmpty()) {
				candidates.add(Path.of(directory, "prometheus"));
			}
		}
		candidates.add(Path.of("/usr/bin/prometheus"));
		return candidates.stream()
			.filter(Files::isExecutable)
			.findFirst()
			.orElseGet(() -> fail("No prometheus binary on PATH or at /usr/bin/prometheus: install Debian's "
					+ "'prometheus' package (apt-get install prometheus; .ci/run does), or run without "
					+ "-Pmachine-services"));
	}

	/**
	 * The handler of a queue whose every job fails, so that the failure meters move: a
	 * repeatable job adds one every second, with two attempts (arguments of the test).
	 * Not a component (the sample's scan would find it in every test's sample): a source
	 * that {@code --spring.main.sources} adds.
	 */
	static final class FailingJobs {

		static final String QUEUE = "doomed";

		@JobHandler(QUEUE)
		void failAlways(JobContext job) {
			throw new IllegalStateException("fails on purpose");
		}

	}

	/**
	 * A Prometheus server of the test's own on a free loopback port, scraping one target
	 * every second, with its data in {@code work}.
	 */
	static final class Prometheus implements AutoCloseable {

		private final Process process;

		private final Path log;

		private final int port;

		private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

		private Prometheus(Process process, Path log, int port) {
			this.process = process;
			this.log = log;
			this.port = port;
		}

		static Prometheus start(Path binary, Path work, String target) throws Exception {
			Path config = work.resolve("prometheus.yml");
			Files.writeString(config, """
					global:
					  scrape_interval: 1s
					  scrape_timeout: 1s
					  evaluation_interval: 1s
					scrape_configs:
					  - job_name: %s
					    metrics_path: /actuator/prometheus
					    static_configs:
					      - targets: ['%s']
					""".formatted(JOB, target));
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path log = work.resolve("prometheus.log");
			Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
					"--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Prometheus prometheus = new Prometheus(process, log, port);
			try {
				await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
					if (!process.isAlive()) {
						throw new IllegalStateException("prometheus exited:\n" + Files.readString(log));
					}
					return prometheus.ready();
				});
			}
			catch (RuntimeException ex) {
				prometheus.close();
				throw new IllegalStateException("prometheus did not become ready:\n" + Files.readString(log), ex);
			}
			return prometheus;
		}

		private boolean ready() {
			try {
				return this.http
					.send(HttpRequest.newBuilder(uri("/-/ready")).timeout(Duration.ofSeconds(5)).build(),
							HttpResponse.BodyHandlers.discarding())
					.statusCode() == 200;
			}
			catch (IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		void awaitTargetUp() throws IOException {
			try {
				await().atMost(WAIT)
					.until(() -> api("/api/v1/targets").path("data")
						.path("activeTargets")
						.path(0)
						.path("health")
						.asString()
						.equals("up"));
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException(
						"The sample never was up for prometheus:\n" + api("/api/v1/targets") + "\n" + output(), ex);
			}
		}

		/** Waits until Prometheus holds at least this many series of the starter's. */
		void awaitSeries(int count) {
			await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
				JsonNode result = query("count({__name__=~\"redis_starter_.+\"})").path("data").path("result");
				return !result.isEmpty()
						&& Double.parseDouble(result.path(0).path("value").path(1).asString()) >= count;
			});
		}

		JsonNode api(String path) throws IOException {
			try {
				return JSON.readTree(
						this.http
							.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
									HttpResponse.BodyHandlers.ofString())
							.body());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("Interrupted", ex);
			}
		}

		/** An instant query at Prometheus' now. */
		JsonNode query(String expr) throws IOException, InterruptedException {
			return JSON.readTree(
					this.http
						.send(HttpRequest.newBuilder(uri("/api/v1/query"))
							.timeout(Duration.ofSeconds(10))
							.header("Content-Type", "application/x-www-form-urlencoded")
							.POST(HttpRequest.BodyPublishers
								.ofString("query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
							.build(), HttpResponse.BodyHandlers.ofString())
						.body());
		}

		private URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		String output() throws IOException {
			return Files.readString(this.log);
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}

	}

}
