package io.github.redisstarter.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the benchmarks compiling and working: each runs for one short iteration, and each
 * does what it claims to measure. Nothing here looks at a timing.
 */
class BenchmarkSmokeTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@BeforeEach
	void pointAtTheTestServer() {
		System.setProperty(Redis.URL_PROPERTY, redis.server().url());
	}

	@Test
	void everyBenchmarkRunsAndTheReportHasEveryFigure() throws Exception {
		BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.Profile.SMOKE, redis.server().url());
		String report = runner.runAll();
		assertThat(report).doesNotContain("n/a").contains("### Targets").contains("1 loader call(s)");
		Path document = Files.createTempFile("benchmarks", ".md");
		Files.writeString(document, "# Benchmarks\n\nProse written by hand.\n");
		BenchmarkRunner.write(document, report);
		BenchmarkRunner.write(document, report);
		String written = Files.readString(document);
		assertThat(written).startsWith("# Benchmarks\n\nProse written by hand.\n");
		assertThat(written.indexOf(BenchmarkRunner.START)).isPositive()
			.isEqualTo(written.lastIndexOf(BenchmarkRunner.START));
	}

	@Test
	void theBaselinesTakeOursCallPathAndTheRawScriptAllowsAFreshKey() {
		RedisBaselineBenchmark baseline = new RedisBaselineBenchmark();
		baseline.setUp();
		try {
			assertThat(baseline.ping()).isEqualTo("PONG");
			assertThat(baseline.get()).isNotEmpty();
			for (int i = 0; i < 10; i++) {
				assertThat(baseline.rawScript()).isEqualTo(1L);
			}
		}
		finally {
			baseline.tearDown();
		}
		// The raw script denies past its budget: one per second, no burst.
		io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.server().url());
		try (io.lettuce.core.api.StatefulRedisConnection<String, String> connection = client.connect()) {
			String sha = connection.sync().scriptLoad(RedisBaselineBenchmark.MINIMAL_GCRA);
			String[] key = { "raw:tight" };
			assertThat((Long) connection.sync()
				.evalsha(sha, io.lettuce.core.ScriptOutputType.INTEGER, key, "1000000", "0")).isEqualTo(1L);
			assertThat((Long) connection.sync()
				.evalsha(sha, io.lettuce.core.ScriptOutputType.INTEGER, key, "1000000", "0")).isEqualTo(0L);
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void noVerdictIsDrawnFromACheckThatBeatsTheRoundTripItContains() {
		// The figures of a broken quick run: a check answered sooner than a bare PING.
		assertThat(Report.impossible(28.8, 69.5, 19_968, 18_994)).contains("sooner than a bare PING");
		assertThat(Report.impossible(116.7, 82.9, 19_968, 18_994)).contains("more than bare PINGs");
		// Possible figures: slower than a PING, fewer per second.
		assertThat(Report.impossible(116.7, 82.9, 10_740, 12_203)).isNull();
		// A missing figure is no evidence either way.
		assertThat(Report.impossible(Double.NaN, 82.9, 10_740, 12_203)).contains("missing");
	}

	@Test
	void theRedisLimitersAllowWhatTheyShould() {
		for (String impl : new String[] { "ours", "bucket4j", "redisson" }) {
			RedisRateLimitBenchmark distinct = redisLimiter(impl, "distinct");
			int allowed = 0;
			for (int i = 0; i < 200; i++) {
				allowed += distinct.check() ? 1 : 0;
			}
			distinct.tearDown();
			assertThat(allowed).as("%s, distinct keys", impl).isEqualTo(200);

			redis.server().flushAll();
			RedisRateLimitBenchmark hot = redisLimiter(impl, "hot");
			long start = System.nanoTime();
			allowed = 0;
			for (int i = 0; i < 300; i++) {
				allowed += hot.check() ? 1 : 0;
			}
			long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
			hot.tearDown();
			// 100 per second: the burst of 100, plus what refilled meanwhile.
			assertThat(allowed).as("%s, one hot key", impl).isBetween(100, 100 + (int) (elapsedMillis / 10) + 1);
		}
	}

	private static RedisRateLimitBenchmark redisLimiter(String impl, String keys) {
		RedisRateLimitBenchmark benchmark = new RedisRateLimitBenchmark();
		benchmark.impl = impl;
		benchmark.keys = keys;
		benchmark.setUp();
		return benchmark;
	}

	@Test
	void theInMemoryLimitersAllowEveryCheckOfTheFastPath() {
		for (String impl : new String[] { "ours", "bucket4j", "bucket4j-per-key", "resilience4j", "guava" }) {
			InMemoryRateLimitBenchmark benchmark = new InMemoryRateLimitBenchmark();
			benchmark.impl = impl;
			benchmark.setUp();
			for (int i = 0; i < 1000; i++) {
				assertThat(benchmark.check()).as(impl).isTrue();
			}
		}
	}

	@Test
	void everyCacheReadReturnsTheRole() throws InterruptedException {
		for (String impl : new String[] { "ours-l1", "caffeine", "annotated", "caffeine-annotated", "ours-l2",
				"get-decode" }) {
			CacheBenchmark benchmark = new CacheBenchmark();
			benchmark.impl = impl;
			benchmark.setUp();
			int computed = CacheBenchmark.RoleService.computed.get();
			try {
				CacheBenchmark.Reader first = new CacheBenchmark.Reader();
				first.setUp(benchmark);
				CacheBenchmark.Reader second = new CacheBenchmark.Reader();
				second.setUp(benchmark);
				// Each thread its own id: otherwise single-flight merges the threads'
				// reads into one.
				assertThat(first.id).isNotEqualTo(second.id);
				for (int i = 0; i < 100; i++) {
					assertThat(benchmark.read(i % 2 == 0 ? first : second)).as(impl).isEqualTo(CacheBenchmark.ADMIN);
				}
				// The annotated reads are served by the cache: the method is not called.
				assertThat(CacheBenchmark.RoleService.computed).as(impl).hasValue(computed);
			}
			finally {
				benchmark.tearDown();
			}
		}
	}

	@Test
	void everyBroadcastMessageIsReceived() throws InterruptedException {
		for (String impl : new String[] { "ours", "lettuce" }) {
			BroadcastBenchmark benchmark = new BroadcastBenchmark();
			benchmark.impl = impl;
			benchmark.setUp();
			try {
				for (int i = 0; i < 20; i++) {
					benchmark.burst();
					benchmark.roundTrip();
				}
				assertThat(benchmark.received()).as(impl).isEqualTo(benchmark.sent()).isEqualTo(20 * 101);
			}
			finally {
				benchmark.tearDown();
			}
		}
	}

	@Test
	void everyQueuedJobRunsExactlyOnce() throws InterruptedException {
		for (String impl : new String[] { "ours", "redisson" }) {
			for (String workers : new String[] { "1", "10", "2x5" }) {
				QueueBenchmark benchmark = new QueueBenchmark();
				benchmark.impl = impl;
				benchmark.workers = workers;
				benchmark.verify = true;
				benchmark.setUp();
				try {
					for (int i = 0; i < 3; i++) {
						benchmark.batch();
					}
					// Late duplicates would show up after the last batch has completed.
					Thread.sleep(200);
					assertThat(benchmark.added()).isEqualTo(3 * QueueBenchmark.BATCH);
					assertThat(benchmark.completed()).as("%s, %s", impl, workers).isEqualTo(benchmark.added());
					assertThat(benchmark.seen()).as("%s, %s", impl, workers).hasSize(3 * QueueBenchmark.BATCH);
					assertThat(benchmark.seen().values()).as("%s, %s", impl, workers)
						.allMatch((times) -> times.get() == 1);
				}
				finally {
					benchmark.tearDown();
				}
			}
		}
	}

}
