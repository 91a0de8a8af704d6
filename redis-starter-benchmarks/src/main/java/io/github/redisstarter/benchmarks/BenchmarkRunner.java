package io.github.redisstarter.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.redisstarter.test.RedisServer;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark side by side with its peers on one redis-server (its own, or
 * {@code --redis-url}), then writes the table of ratios into the results section of
 * {@code docs/benchmarks.md}. The numbers in that section are what this run measured:
 * nothing there is written by hand.
 *
 * <pre>
 * ./mvnw -pl redis-starter-benchmarks -am package exec:exec -DskipTests                       # quick: a few minutes
 * ./mvnw -pl redis-starter-benchmarks -am package exec:exec -DskipTests -Dbenchmarks.mode=full  # for publishing
 * </pre>
 */
public final class BenchmarkRunner {

	static final String START = "<!-- results:start (written by BenchmarkRunner; do not edit) -->";

	static final String END = "<!-- results:end -->";

	private final Profile profile;

	private final String redisUrl;

	private final List<RunResult> results = new ArrayList<>();

	BenchmarkRunner(Profile profile, String redisUrl) {
		this.profile = profile;
		this.redisUrl = redisUrl;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			options.put(arg.substring(2, (eq > 0) ? eq : arg.length()), (eq > 0) ? arg.substring(eq + 1) : "");
		}
		Profile profile = Profile.valueOf(options.getOrDefault("mode", "quick").toUpperCase(Locale.ROOT));
		Path output = Path.of(options.getOrDefault("output", "docs/benchmarks.md"));
		String url = options.getOrDefault("redis-url", "");
		RedisServer server = null;
		if (url.isBlank()) {
			server = RedisServer.create(RedisServer.config());
			server.start();
			url = server.url();
		}
		try {
			BenchmarkRunner runner = new BenchmarkRunner(profile, url);
			String results = runner.runAll();
			write(output, results);
			System.out.println(results);
			System.out.println("Written to " + output.toAbsolutePath());
		}
		finally {
			if (server != null) {
				server.close();
			}
		}
	}

	/** The profiles: quick for a look (a few minutes on 2 cores), full for publishing. */
	enum Profile {

		QUICK(1, 1, Duration.ofSeconds(1), 2, Duration.ofSeconds(1)),

		FULL(2, 3, Duration.ofSeconds(2), 5, Duration.ofSeconds(2)),

		/**
		 * One short iteration in this JVM: the smoke test's, to prove that everything
		 * runs.
		 */
		SMOKE(0, 0, Duration.ofMillis(10), 1, Duration.ofMillis(100));

		final int forks;

		final int warmups;

		final Duration warmup;

		final int iterations;

		final Duration iteration;

		Profile(int forks, int warmups, Duration warmup, int iterations, Duration iteration) {
			this.forks = forks;
			this.warmups = warmups;
			this.warmup = warmup;
			this.iterations = iterations;
			this.iteration = iteration;
		}

	}

	String runAll() throws RunnerException {
		System.setProperty(Redis.URL_PROPERTY, this.redisUrl);
		for (int threads : new int[] { 1, 16 }) {
			run(RedisRateLimitBenchmark.class.getSimpleName() + ".check", Mode.Throughput, threads);
			run(RedisBaselineBenchmark.class.getSimpleName() + ".(ping|get|rawScript)", Mode.Throughput, threads);
			run(InMemoryRateLimitBenchmark.class.getSimpleName() + ".check", Mode.AverageTime, threads);
		}
		run(RedisRateLimitBenchmark.class.getSimpleName() + ".check", Mode.SampleTime, 1);
		run(RedisBaselineBenchmark.class.getSimpleName() + ".(ping|get|rawScript)", Mode.SampleTime, 1);
		for (int threads : new int[] { 1, 16 }) {
			run(CacheBenchmark.class.getSimpleName() + ".read", Mode.AverageTime, threads);
			run(BroadcastBenchmark.class.getSimpleName() + ".burst", Mode.Throughput, threads);
		}
		run(BroadcastBenchmark.class.getSimpleName() + ".roundTrip", Mode.SampleTime, 1);
		run(EvictionBenchmark.class.getSimpleName() + ".evict", Mode.SampleTime, 1);
		run(QueueBenchmark.class.getSimpleName() + ".batch", Mode.Throughput, 1);
		return Report.render(this, new Extras(this.redisUrl).measure());
	}

	private void run(String include, Mode mode, int threads) throws RunnerException {
		ChainedOptionsBuilder options = new OptionsBuilder()
			.include(BenchmarkRunner.class.getPackageName() + "." + include + "$")
			.mode(mode)
			.threads(threads)
			.forks(this.profile.forks)
			.warmupIterations(this.profile.warmups)
			.warmupTime(TimeValue.milliseconds(this.profile.warmup.toMillis()))
			.measurementIterations(this.profile.iterations)
			.measurementTime(TimeValue.milliseconds(this.profile.iteration.toMillis()))
			.jvmArgsAppend("-D" + Redis.URL_PROPERTY + "=" + this.redisUrl, "-Xms512m", "-Xmx512m")
			.shouldFailOnError(true);
		if (include.startsWith("Queue") && this.profile != Profile.SMOKE) {
			// A job crosses threads, a connection and two scripts: its first seconds
			// measure the JIT, so the queue warms up for at least 3 x 2 s and measures 2
			// s
			// iterations whatever the profile.
			options.warmupIterations(Math.max(this.profile.warmups, 3))
				.warmupTime(TimeValue.milliseconds(Math.max(this.profile.warmup.toMillis(), 2000)))
				.measurementTime(TimeValue.milliseconds(Math.max(this.profile.iteration.toMillis(), 2000)));
		}
		if (mode == Mode.SampleTime || mode == Mode.AverageTime) {
			options.timeUnit(java.util.concurrent.TimeUnit.MICROSECONDS);
		}
		if (mode == Mode.AverageTime && include.startsWith("InMemory")) {
			options.timeUnit(java.util.concurrent.TimeUnit.NANOSECONDS);
		}
		if (mode == Mode.AverageTime && include.startsWith("Cache")) {
			options.timeUnit(java.util.concurrent.TimeUnit.NANOSECONDS);
		}
		Collection<RunResult> run = new Runner(options.build()).run();
		this.results.addAll(run);
	}

	/**
	 * The score of one benchmark: its method, the value of its "impl" param (or none),
	 * mode and threads.
	 */
	Optional<RunResult> find(String benchmark, String impl, String keys, Mode mode, int threads) {
		return this.results.stream()
			.filter((r) -> r.getParams().getBenchmark().endsWith("." + benchmark))
			.filter((r) -> impl == null || impl.equals(r.getParams().getParam("impl")))
			.filter((r) -> keys == null || keys.equals(r.getParams().getParam("keys")))
			.filter((r) -> r.getParams().getMode() == mode && r.getParams().getThreads() == threads)
			.findFirst();
	}

	List<RunResult> results() {
		return this.results;
	}

	Profile profile() {
		return this.profile;
	}

	static String machine() {
		return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
				+ System.getProperty("os.arch") + ", JDK " + System.getProperty("java.vm.vendor") + " "
				+ System.getProperty("java.version") + ", " + ManagementFactory.getRuntimeMXBean().getVmName();
	}

	static String now() {
		return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
	}

	/**
	 * Replaces the results section of the document (or appends one), keeping the prose
	 * around it.
	 */
	static void write(Path output, String results) throws IOException {
		String section = START + "\n" + results + END;
		String document = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
		int start = document.indexOf(START);
		int end = document.indexOf(END);
		if (start >= 0 && end > start) {
			document = document.substring(0, start) + section + document.substring(end + END.length());
		}
		else {
			document = document + (document.isEmpty() ? "" : "\n") + section + "\n";
		}
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, document, StandardCharsets.UTF_8);
	}

}
