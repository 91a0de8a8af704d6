package io.github.redisstarter.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns a run's results into the Markdown of docs/benchmarks.md: raw figures, ratios, and
 * each target's verdict.
 */
final class Report {

	private final BenchmarkRunner run;

	private final StringBuilder out = new StringBuilder();

	private final List<String[]> targets = new ArrayList<>();

	/**
	 * Why no verdict may be written, or {@code null}: a check cannot beat the round trip
	 * it contains.
	 */
	private String broken;

	private Report(BenchmarkRunner run) {
		this.run = run;
	}

	static String render(BenchmarkRunner run, Extras.Measured extras) {
		return new Report(run).write(extras);
	}

	private String write(Extras.Measured extras) {
		BenchmarkRunner.Profile p = this.run.profile();
		line("Measured " + BenchmarkRunner.now() + " on " + BenchmarkRunner.machine() + "; Redis "
				+ extras.redisVersion() + " on loopback. Profile " + p.name().toLowerCase(Locale.ROOT) + ": " + p.forks
				+ " fork(s), " + p.warmups + " warm-up and " + p.iterations + " measured iteration(s) of "
				+ p.iteration.toMillis() + " ms each.");
		line("");
		this.broken = impossible(percentile("RedisRateLimitBenchmark.check", "ours", "distinct", 50),
				percentile("RedisBaselineBenchmark.ping", null, null, 50),
				score("RedisRateLimitBenchmark.check", "ours", "distinct", Mode.Throughput, 1),
				score("RedisBaselineBenchmark.ping", null, null, Mode.Throughput, 1));
		if (this.broken != null) {
			line("**No verdicts: the measurement is broken.** " + this.broken + ".");
			line("");
		}
		redisLimiter(extras);
		inMemory();
		cache(extras);
		eviction();
		broadcast();
		queue();
		line("### Targets");
		line("");
		line("| Target | Measured | Verdict |");
		line("|---|---|---|");
		for (String[] target : this.targets) {
			line("| " + target[0] + " | " + target[1] + " | " + target[2] + " |");
		}
		line("");
		return this.out.toString();
	}

	private void redisLimiter(Extras.Measured extras) {
		line("### Rate limiter on Redis: checks per second");
		line("");
		line("| Threads | Keys | Ours | Bucket4j 8.19 (Lettuce) | Redisson 4.7 | Ours / Bucket4j | Ours / Redisson |");
		line("|---|---|---|---|---|---|---|");
		for (String keys : new String[] { "distinct", "hot" }) {
			for (int threads : new int[] { 1, 16 }) {
				double ours = score("RedisRateLimitBenchmark.check", "ours", keys, Mode.Throughput, threads);
				double bucket4j = score("RedisRateLimitBenchmark.check", "bucket4j", keys, Mode.Throughput, threads);
				double redisson = score("RedisRateLimitBenchmark.check", "redisson", keys, Mode.Throughput, threads);
				line("| " + threads + " | " + keys + " | " + ops(ours) + " | " + ops(bucket4j) + " | " + ops(redisson)
						+ " | " + ratio(ours / bucket4j) + " | " + ratio(ours / redisson) + " |");
			}
		}
		line("");
		double ping1 = score("RedisBaselineBenchmark.ping", null, null, Mode.Throughput, 1);
		double ping16 = score("RedisBaselineBenchmark.ping", null, null, Mode.Throughput, 16);
		double get1 = score("RedisBaselineBenchmark.get", null, null, Mode.Throughput, 1);
		double get16 = score("RedisBaselineBenchmark.get", null, null, Mode.Throughput, 16);
		double raw1 = score("RedisBaselineBenchmark.rawScript", null, null, Mode.Throughput, 1);
		double raw16 = score("RedisBaselineBenchmark.rawScript", null, null, Mode.Throughput, 16);
		line("The limits on the same call path (the same connection kind, the same wait and deadline): one round trip,"
				+ " PING " + ops(ping1) + " (1 thread) and " + ops(ping16) + " (16 threads), GET " + ops(get1) + " and "
				+ ops(get16) + "; the raw-script limit, a hand-written EVALSHA of a minimal GCRA on distinct keys, "
				+ ops(raw1) + " and " + ops(raw16) + ".");
		line("");
		line("Latency at 1 thread (JMH sample mode), µs:");
		line("");
		line("| | p50 | p99 | p50 / PING p50 |");
		line("|---|---|---|---|");
		double pingP50 = percentile("RedisBaselineBenchmark.ping", null, null, 50);
		for (String[] row : new String[][] { { "ours", "distinct" }, { "ours", "hot" }, { "bucket4j", "distinct" },
				{ "redisson", "distinct" } }) {
			double p50 = percentile("RedisRateLimitBenchmark.check", row[0], row[1], 50);
			double p99 = percentile("RedisRateLimitBenchmark.check", row[0], row[1], 99);
			line("| " + row[0] + ", " + row[1] + " keys | " + us(p50) + " | " + us(p99) + " | " + ratio(p50 / pingP50)
					+ " |");
		}
		line("| bare PING | " + us(pingP50) + " | " + us(percentile("RedisBaselineBenchmark.ping", null, null, 99))
				+ " | 1.00x |");
		line("| bare GET | " + us(percentile("RedisBaselineBenchmark.get", null, null, 50)) + " | "
				+ us(percentile("RedisBaselineBenchmark.get", null, null, 99)) + " | "
				+ ratio(percentile("RedisBaselineBenchmark.get", null, null, 50) / pingP50) + " |");
		line("| raw GCRA script | " + us(percentile("RedisBaselineBenchmark.rawScript", null, null, 50)) + " | "
				+ us(percentile("RedisBaselineBenchmark.rawScript", null, null, 99)) + " | "
				+ ratio(percentile("RedisBaselineBenchmark.rawScript", null, null, 50) / pingP50) + " |");
		line("");
		line("Redis memory per idle key (`MEMORY USAGE`, a 1000-per-hour limit after one check): ours "
				+ extras.oursBytes() + " B, Bucket4j " + extras.bucket4jBytes() + " B, Redisson "
				+ extras.redissonBytes() + " B (all its keys).");
		line("");
		double oursP50 = percentile("RedisRateLimitBenchmark.check", "ours", "distinct", 50);
		target("A Redis check within 1.3x a bare PING's latency (p50, 1 thread, distinct keys)", oursP50 / pingP50, 1.3,
				false);
		target("At least 2x Bucket4j's throughput at 16 threads, distinct keys",
				score("RedisRateLimitBenchmark.check", "ours", "distinct", Mode.Throughput, 16)
						/ score("RedisRateLimitBenchmark.check", "bucket4j", "distinct", Mode.Throughput, 16),
				2, true);
		target("At least 10x Bucket4j's throughput at 16 threads, one hot key",
				score("RedisRateLimitBenchmark.check", "ours", "hot", Mode.Throughput, 16)
						/ score("RedisRateLimitBenchmark.check", "bucket4j", "hot", Mode.Throughput, 16),
				10, true);
		target("At least 1.5x Redisson's throughput at 16 threads, distinct keys",
				score("RedisRateLimitBenchmark.check", "ours", "distinct", Mode.Throughput, 16)
						/ score("RedisRateLimitBenchmark.check", "redisson", "distinct", Mode.Throughput, 16),
				1.5, true);
	}

	private void inMemory() {
		line("### Rate limiter in memory: ns per check, one key");
		line("");
		line("| Threads | Ours | Bucket4j local | Bucket4j, a bucket per key | Resilience4j | Guava | Ours / Bucket4j | Ours / Bucket4j per key |");
		line("|---|---|---|---|---|---|---|---|");
		for (int threads : new int[] { 1, 16 }) {
			double ours = score("InMemoryRateLimitBenchmark.check", "ours", null, Mode.AverageTime, threads);
			double bucket4j = score("InMemoryRateLimitBenchmark.check", "bucket4j", null, Mode.AverageTime, threads);
			double perKey = score("InMemoryRateLimitBenchmark.check", "bucket4j-per-key", null, Mode.AverageTime,
					threads);
			line("| " + threads + " | " + ns(ours) + " | " + ns(bucket4j) + " | " + ns(perKey) + " | "
					+ ns(score("InMemoryRateLimitBenchmark.check", "resilience4j", null, Mode.AverageTime, threads))
					+ " | " + ns(score("InMemoryRateLimitBenchmark.check", "guava", null, Mode.AverageTime, threads))
					+ " | " + ratio(ours / bucket4j) + " | " + ratio(ours / perKey) + " |");
		}
		line("");
		line("At 16 threads the figure is the average time of one check while 16 threads check the same key.");
		line("");
		target("The in-memory check no slower than Bucket4j with a bucket per key (1 thread)",
				score("InMemoryRateLimitBenchmark.check", "ours", null, Mode.AverageTime, 1)
						/ score("InMemoryRateLimitBenchmark.check", "bucket4j-per-key", null, Mode.AverageTime, 1),
				1, false);
		target("The in-memory check within 1.5x Bucket4j's single local bucket (1 thread)",
				score("InMemoryRateLimitBenchmark.check", "ours", null, Mode.AverageTime, 1)
						/ score("InMemoryRateLimitBenchmark.check", "bucket4j", null, Mode.AverageTime, 1),
				1.5, false);
	}

	private void cache(Extras.Measured extras) {
		line("### Role cache: ns per read");
		line("");
		line("| Threads | Read | Ours | Bare | Ours / bare |");
		line("|---|---|---|---|---|");
		for (int threads : new int[] { 1, 16 }) {
			double l1 = score("CacheBenchmark.read", "ours-l1", null, Mode.AverageTime, threads);
			double caffeine = score("CacheBenchmark.read", "caffeine", null, Mode.AverageTime, threads);
			double l2 = score("CacheBenchmark.read", "ours-l2", null, Mode.AverageTime, threads);
			double get = score("CacheBenchmark.read", "get-decode", null, Mode.AverageTime, threads);
			line("| " + threads + " | near-cache (L1) hit vs Caffeine `getIfPresent` | " + ns(l1) + " | " + ns(caffeine)
					+ " | " + ratio(l1 / caffeine) + " |");
			double annotated = score("CacheBenchmark.read", "annotated", null, Mode.AverageTime, threads);
			double springCaffeine = score("CacheBenchmark.read", "caffeine-annotated", null, Mode.AverageTime, threads);
			line("| " + threads
					+ " | `@Cacheable` call, near-cache hit vs the same call on Spring's `CaffeineCacheManager` | "
					+ ns(annotated) + " | " + ns(springCaffeine) + " | " + ratio(annotated / springCaffeine) + " |");
			line("| " + threads + " | `@Cacheable` call, near-cache hit vs Caffeine `getIfPresent` | " + ns(annotated)
					+ " | " + ns(caffeine) + " | " + ratio(annotated / caffeine) + " |");
			line("| " + threads + " | Redis (L2) hit vs Lettuce GET + JSON decode | " + ns(l2) + " | " + ns(get) + " | "
					+ ratio(l2 / get) + " |");
			if (threads == 1) {
				target("An L1 hit within 3x a bare Caffeine lookup (1 thread)", l1 / caffeine, 3, false);
				target("An L2 hit within 1.3x a bare GET plus decode (1 thread)", l2 / get, 1.3, false);
			}
		}
		line("");
		line("A cold key read by 16 threads at once: " + extras.coldKeyLoads() + " loader call(s).");
		line("");
		this.targets.add(new String[] { "One loader call for a cold key under 16 concurrent readers",
				extras.coldKeyLoads() + " call(s)", (extras.coldKeyLoads() == 1) ? "met" : "missed" });
	}

	private void eviction() {
		line("### Cache eviction: µs per evict, two instances subscribed, 1 thread");
		line("");
		line("| | Acknowledged (default) | Published | Bare DEL + PUBLISH | Acknowledged / published |");
		line("|---|---|---|---|---|");
		for (int p : new int[] { 50, 99 }) {
			double acknowledged = percentile("EvictionBenchmark.evict", "acknowledged", null, p);
			double published = percentile("EvictionBenchmark.evict", "published", null, p);
			double bare = percentile("EvictionBenchmark.evict", "del-publish", null, p);
			line("| p" + p + " | " + us(acknowledged) + " | " + us(published) + " | " + us(bare) + " | "
					+ ratio(acknowledged / published) + " |");
		}
		line("");
	}

	private void broadcast() {
		line("### Broadcaster: from one instance to a listener on another, through Redis");
		line("");
		line("| | Ours | Bare Lettuce pub/sub | Ours / Lettuce |");
		line("|---|---|---|---|");
		for (int threads : new int[] { 1, 16 }) {
			double ours = score("BroadcastBenchmark.burst", "ours", null, Mode.Throughput, threads);
			double lettuce = score("BroadcastBenchmark.burst", "lettuce", null, Mode.Throughput, threads);
			line("| messages per second, " + threads
					+ " publishing thread(s) (bursts of 100, published and received) | " + ops(ours) + " | "
					+ ops(lettuce) + " | " + ratio(ours / lettuce) + " |");
			if (threads == 1) {
				target("Broadcast throughput at least 0.9x bare Lettuce pub/sub (1 publishing thread)", ours / lettuce,
						0.9, true);
			}
		}
		for (int p : new int[] { 50, 99 }) {
			double o = percentile("BroadcastBenchmark.roundTrip", "ours", null, p);
			double l = percentile("BroadcastBenchmark.roundTrip", "lettuce", null, p);
			line("| delivery latency p" + p + " (µs), 1 thread | " + us(o) + " | " + us(l) + " | " + ratio(o / l)
					+ " |");
		}
		line("");
	}

	private void queue() {
		line("### Job queue: jobs per second, no-op handler, end to end");
		line("");
		line("Each invocation adds " + QueueBenchmark.BATCH + " jobs in bulk calls of " + QueueBenchmark.CHUNK
				+ " and waits until the handlers have run every one.");
		line("");
		line("| Workers | Ours | Redisson 4.7 `RBlockingQueue` (no lease, no retry) | Ours / Redisson |");
		line("|---|---|---|---|");
		for (String[] row : new String[][] { { "1", "1 instance, concurrency 1" },
				{ "10", "1 instance, concurrency 10" }, { "2x5", "2 instances, concurrency 5 each" } }) {
			double ours = queueScore("ours", row[0]);
			double redisson = queueScore("redisson", row[0]);
			line("| " + row[1] + " | " + ops(ours) + " | " + ops(redisson) + " | " + ratio(ours / redisson) + " |");
		}
		line("");
	}

	private double queueScore(String impl, String workers) {
		return this.run.results()
			.stream()
			.filter((r) -> r.getParams().getBenchmark().endsWith(".QueueBenchmark.batch"))
			.filter((r) -> impl.equals(r.getParams().getParam("impl"))
					&& workers.equals(r.getParams().getParam("workers")))
			.findFirst()
			.map((r) -> r.getPrimaryResult().getScore())
			.orElse(Double.NaN);
	}

	/**
	 * Why figures that put a check on Redis ahead of the round trip it contains cannot be
	 * published: a check is a round trip and a script, so at one thread it can neither
	 * answer sooner than a bare PING (p50) nor complete more per second. Such figures
	 * mean the measurement is broken (the baseline took another path, or the checks never
	 * reached Redis), and no verdict is drawn from them.
	 * @return the reason, or {@code null} when the figures are possible
	 */
	static String impossible(double oursP50, double pingP50, double oursPerSecond, double pingPerSecond) {
		if (Double.isNaN(oursP50) || Double.isNaN(pingP50) || Double.isNaN(oursPerSecond)
				|| Double.isNaN(pingPerSecond)) {
			return "A figure of the check or of the PING baseline is missing";
		}
		if (oursP50 < pingP50) {
			return String.format(Locale.ROOT,
					"A check on Redis answered in %.1f µs at the median, sooner than a bare PING (%.1f µs)", oursP50,
					pingP50);
		}
		if (oursPerSecond > pingPerSecond) {
			return String.format(Locale.ROOT,
					"Checks on Redis ran at %,.0f per second on one thread, more than bare PINGs (%,.0f)",
					oursPerSecond, pingPerSecond);
		}
		return null;
	}

	private void target(String name, double measured, double bound, boolean atLeast) {
		if (this.broken != null) {
			this.targets.add(new String[] { name, ratio(measured), "no verdict (measurement broken)" });
			return;
		}
		boolean met = atLeast ? measured >= bound : measured <= bound;
		String verdict = met ? "met" : "missed by " + String.format(Locale.ROOT, "%.0f%%",
				100 * (atLeast ? (bound - measured) / bound : (measured - bound) / bound));
		this.targets.add(new String[] { name, ratio(measured), verdict });
	}

	private double score(String benchmark, String impl, String keys, Mode mode, int threads) {
		return result(benchmark, impl, keys, mode, threads).map((r) -> r.getPrimaryResult().getScore())
			.orElse(Double.NaN);
	}

	private double percentile(String benchmark, String impl, String keys, double percentile) {
		return result(benchmark, impl, keys, Mode.SampleTime, 1)
			.map((r) -> r.getPrimaryResult().getStatistics().getPercentile(percentile))
			.orElse(Double.NaN);
	}

	private Optional<RunResult> result(String benchmark, String impl, String keys, Mode mode, int threads) {
		return this.run.find(benchmark, impl, keys, mode, threads);
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private static String ops(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String ns(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.1f", value);
	}

	private static String us(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.1f", value);
	}

	private static String ratio(double value) {
		return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", value);
	}

}
