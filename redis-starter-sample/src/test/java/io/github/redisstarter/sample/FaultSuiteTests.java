package io.github.redisstarter.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.test.CpuStarvation;
import io.github.redisstarter.test.CpuThrottle;
import io.github.redisstarter.test.RedisCluster;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The starter's promise, for the whole app as users meet it: two sample instances (real
 * HTTP servers) share one harness redis-server under a steady mixed load, while Redis is
 * killed, frozen, slowed, cut off, filled up and given a new password, one fault after
 * another. Every request is answered, never with a 5xx; each instance switches to its
 * in-memory twins and back once per fault; once back, rate limits are exact, no role read
 * is stale and notifications cross instances again. The figures go to
 * target/reliability.md (and to docs/reliability.md with -Dreliability.docs=true); the
 * secrets of every run are looked for in everything the apps wrote or served.
 */
class FaultSuiteTests {

	private static final String PASSWORD = "fault-suite-pw-7e1";

	private static final String ROTATED = "rotated-pw-93c";

	/** Each fault lasts longer than the command timeout (1 s). */
	static final Duration HOLD = Duration.ofSeconds(2);

	/** Load kept up after the apps are back on Redis, before the checks of that phase. */
	private static final Duration AFTER = Duration.ofSeconds(2);

	/**
	 * Generous bounds for a busy 2-core machine; the report gives the measured figures
	 * against the targets.
	 */
	private static final long SWITCH_BOUND_MILLIS = 2_000;

	private static final long P99_BOUND_MILLIS = 1_500;

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(
			RedisServer.config().password(PASSWORD).arguments("--appendonly", "yes", "--appendfsync", "always"));

	/** How many switch lines a fault justifies, per instance and each way. */
	enum Switches {

		ONCE("one each way"), AT_MOST_ONCE("at most one each way"), NONE("none");

		final String words;

		Switches(String words) {
			this.words = words;
		}

		/** The switch lines beyond what the fault justifies: false switches. */
		int falseSwitches(int toMemory, int back) {
			int allowed = (this == NONE) ? 0 : 1;
			return Math.max(0, toMemory - allowed) + Math.max(0, back - allowed);
		}

	}

	/** The faults, in the order they are applied. */
	enum Fault {

		KILL("kill -9, then a restart from the append-only file (the script cache gone)", Switches.ONCE, HOLD),

		FREEZE("SIGSTOP, then SIGCONT: a hung server, as in a network partition", Switches.ONCE, HOLD),

		SLOW("DEBUG SLEEP for the whole hold: a server that answers nothing for a while, then everything",
				Switches.ONCE, HOLD),

		CLIENT_KILL("CLIENT KILL of every app connection (normal and pub/sub) at the start of the hold",
				Switches.AT_MOST_ONCE, HOLD),

		OUT_OF_MEMORY("maxmemory reached with noeviction: every write refused with OOM, reads and PING answered",
				Switches.ONCE, HOLD),

		NEW_PASSWORD("a restart with another password (WRONGPASS), then one with the app's password again",
				Switches.ONCE, HOLD),

		SLOW_SCRIPTS(
				"another client runs Lua scripts that keep Redis busy " + BURN_MILLIS
						+ " ms at a time, back to back: every answer late, none missing",
				Switches.NONE, Duration.ofSeconds(3)),

		STARVED_CPU(
				"the whole machine starved of CPU: " + SPINNERS_PER_CORE
						+ " busy-looping processes per core beside Redis, both apps and the load",
				Switches.NONE, Duration.ofSeconds(3)),

		THROTTLED(
				"Redis and both app JVMs each held to a CPU quota: stopped " + THROTTLE_STOPPED.toMillis()
						+ " ms of every " + THROTTLE_PERIOD.toMillis() + " ms, each on its own phase",
				Switches.NONE, Duration.ofSeconds(3)),

		APP_PAUSED("instance A's JVM stopped with SIGSTOP for " + APP_PAUSE.toMillis() + " ms, " + APP_PAUSES
				+ " times, while Redis is healthy (a GC pause, a frozen container) and four more clients keep checks of A "
				+ "in flight", Switches.NONE,
				Duration.ofMillis(APP_PAUSES * (APP_PAUSE.toMillis() + APP_RUNS.toMillis()))),

		FULL("maxmemory " + FULL_HEADROOM_BYTES / 1024
				+ " KB above what Redis holds (5 MB of other data among it), with "
				+ "noeviction, under a load of new keys (a new client every " + NEW_CLIENT_EVERY_MILLIS + " ms)",
				Switches.AT_MOST_ONCE, Duration.ofSeconds(5)),

		CLUSTER_FAILOVER("on a Redis Cluster of 3 masters and 3 replicas (node timeout "
				+ RedisCluster.DEFAULT_NODE_TIMEOUT.toMillis()
				+ " ms), two fresh instances found through REDIS_CLUSTER_NODES: kill -9 of the master of the roles' slot; "
				+ "the cluster promotes its replica by itself, and 'back to Redis' counts from the moment the cluster "
				+ "is healthy again", Switches.ONCE, Duration.ZERO);

		final String how;

		final Switches expected;

		final Duration hold;

		Fault(String how, Switches expected, Duration hold) {
			this.how = how;
			this.expected = expected;
			this.hold = hold;
		}

	}

	/** How long each Lua script of SLOW_SCRIPTS keeps Redis busy. */
	static final int BURN_MILLIS = 150;

	static final int SPINNERS_PER_CORE = 4;

	static final Duration THROTTLE_STOPPED = Duration.ofMillis(120);

	static final Duration THROTTLE_PERIOD = Duration.ofMillis(200);

	static final Duration APP_PAUSE = Duration.ofMillis(400);

	static final Duration APP_RUNS = Duration.ofMillis(300);

	static final int APP_PAUSES = 5;

	static final int FULL_HEADROOM_BYTES = 32 * 1024;

	private static final String OTHER_DATA_KEY = "fault-suite:other-data";

	static final int NEW_CLIENT_EVERY_MILLIS = 5;

	@Test
	void theAppKeepsServingThroughEveryFaultAndNothingLeaks() throws Exception {
		Path database = Files.createTempDirectory("redis-starter-faults-db-");
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		// As users run it, with two differences that make the figures readable:
		// X-Forwarded-For tells the simulated
		// clients apart, and a 5 s command timeout shows what the call deadline saves
		// (Lettuce's own is 60 s).
		String[] arguments = { "--spring.datasource.url=" + SampleProcess.h2Url(database),
				"--server.forward-headers-strategy=native", "--spring.data.redis.timeout=5s",
				"--management.endpoints.web.exposure.include=health,metrics,prometheus,env,configprops",
				// Every job of the load is kept, so that each can be checked.
				"--redis-starter.queue.queues.media.keep-completed=1000000" };
		List<Figures> figures = new ArrayList<>();
		try (SampleProcess a = SampleProcess.start(env, arguments);
				SampleProcess b = SampleProcess.start(env, arguments);
				SampleLoad load = new SampleLoad(a, b);
				Modes modes = new Modes(a, b)) {
			startLoadOnRedis(a, b, load);
			for (Fault fault : Fault.values()) {
				if (fault != Fault.CLUSTER_FAILOVER) {
					figures.add(apply(fault, a, b, load, modes));
				}
			}
			assertNoSecretIn(a, b);
		}
		figures.add(clusterFailover(arguments));
		String report = ReliabilityReport.render(figures, redis.server().info("redis_version"));
		ReliabilityReport.write(report);

		for (Figures f : figures) {
			assertThat(f.serverErrors).as("%s: 5xx", f.fault).isZero();
			assertThat(f.unanswered).as("%s: requests without a response", f.fault).isZero();
			assertThat(f.staleAfter).as("%s: stale role reads after recovery", f.fault).isZero();
			assertThat(f.exactness).as("%s: the rate limit once back on Redis", f.fault)
				.isEqualTo(ReliabilityReport.EXACT);
			assertThat(f.notificationsAfter).as("%s: notifications across instances after recovery", f.fault)
				.isEqualTo("6/6");
			assertThat(f.falseSwitches())
				.as("%s: false switches (switch lines %s / %s, justified: %s)", f.fault,
						Arrays.toString(f.linesToMemory), Arrays.toString(f.linesBack), f.fault.expected.words)
				.isZero();
			for (int i = 0; i < 2; i++) {
				assertThat(f.linesBack[i]).as("%s: switch lines of instance %d, back", f.fault, i)
					.isEqualTo(f.linesToMemory[i]);
			}
			assertThat(f.backMillis).as("%s: back on Redis", f.fault).isBetween(0L, SWITCH_BOUND_MILLIS);
			if (f.fault.expected == Switches.ONCE) {
				assertThat(f.toMemoryMillis).as("%s: switch to memory", f.fault).isBetween(0L, SWITCH_BOUND_MILLIS);
				assertThat(f.linesToMemory).as("%s: one switch line each", f.fault).containsExactly(1, 1);
			}
			if (f.fault.expected == Switches.NONE) {
				// Redis kept answering: the shared limit held while the fault lasted,
				// not only once it was over.
				assertThat(f.exactnessDuring).as("%s: the rate limit while the fault lasted", f.fault)
					.isEqualTo(ReliabilityReport.EXACT);
			}
			if (f.fault == Fault.FULL) {
				assertThat(f.fixedClientAllowed)
					.as("%s: a fixed client's allowed pings against what the outage " + "policy allows (%d)", f.fault,
							f.fixedClientBound)
					.isLessThanOrEqualTo(f.fixedClientBound);
			}
			assertThat(f.p99During).as("%s: p99 during the fault", f.fault).isLessThan(P99_BOUND_MILLIS);
			assertThat(f.jobsAccepted).as("%s: uploads accepted", f.fault).isPositive();
			if (f.fault != Fault.CLUSTER_FAILOVER) {
				// A promoted replica may miss the last writes of its master (asynchronous
				// replication): the cluster's row is reported, not held to zero.
				assertThat(f.jobsLost).as("%s: accepted jobs lost", f.fault).isZero();
			}
		}
		assertNoSecretInABadConfigurationRun();
	}

	/**
	 * The same load on two fresh instances of a Redis Cluster, through the failover of a
	 * master.
	 */
	private Figures clusterFailover(String[] arguments) throws Exception {
		try (RedisCluster started = RedisCluster.start(3, 1)) {
			cluster = started;
			Map<String, String> env = Map.of("REDIS_CLUSTER_NODES", started.nodes());
			try (SampleProcess a = SampleProcess.start(env, arguments);
					SampleProcess b = SampleProcess.start(env, arguments);
					SampleLoad load = new SampleLoad(a, b);
					Modes modes = new Modes(a, b)) {
				startLoadOnRedis(a, b, load);
				return apply(Fault.CLUSTER_FAILOVER, a, b, load, modes);
			}
		}
		finally {
			cluster = null;
		}
	}

	/**
	 * Waits until both instances use Redis and listen for notifications, then starts the
	 * load and lets it run for a second.
	 */
	private static void startLoadOnRedis(SampleProcess a, SampleProcess b, SampleLoad load) throws Exception {
		awaitMode(a, "redis");
		awaitMode(b, "redis");
		load.listen();
		awaitSubscribedTwice();
		load.start();
		Thread.sleep(1000);
	}

	/** The cluster of the cluster episode, while it runs. */
	private static volatile RedisCluster cluster;

	/** A key of the sample's role cache: its slot's master is the one killed. */
	private static final String ROLES_KEY = "cache:roles:1:{editor}";

	/**
	 * Two instances started together on a machine starved of CPU, with Redis answering:
	 * both choose Redis at startup (the startup PING measures Redis, not the client's
	 * cold start), and neither switches.
	 */
	@Test
	void twoInstancesStartingTogetherOnAStarvedMachineBothUseRedis() throws Exception {
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		try (CpuStarvation starvation = CpuStarvation.start(STARTUP_SPINNERS_PER_CORE)) {
			CompletableFuture<SampleProcess> a = CompletableFuture.supplyAsync(() -> startSample(env));
			CompletableFuture<SampleProcess> b = CompletableFuture.supplyAsync(() -> startSample(env));
			try (SampleProcess first = a.join(); SampleProcess second = b.join()) {
				Thread.sleep(1000);
				for (SampleProcess sample : List.of(first, second)) {
					String output = sample.output();
					assertThat(output).as("startup log").containsPattern("Using Redis at \\S+ \\(PING \\d+\\.\\d+ ms");
					assertThat(lines(sample, TO_MEMORY) + lines(sample, BACK)).as("switch lines").isZero();
					assertThat(output).doesNotContain("is unreachable");
					assertThat(sample.getJson("/api/backend").get("mode").asString()).isEqualTo("redis");
				}
			}
		}
	}

	static final int STARTUP_SPINNERS_PER_CORE = 1;

	private static SampleProcess startSample(Map<String, String> env) {
		try {
			return SampleProcess.start(env, "--server.forward-headers-strategy=native");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Figures apply(Fault fault, SampleProcess a, SampleProcess b, SampleLoad load, Modes modes)
			throws Exception {
		int[] linesBefore = { lines(a, TO_MEMORY), lines(b, TO_MEMORY), lines(a, BACK), lines(b, BACK) };
		double twinAnswersBefore = twinAnswers(a) + twinAnswers(b);
		long injected = System.nanoTime();
		AutoCloseable undo = inject(fault, a, b, load);
		// A client never seen before, in the middle of the fault: where Redis keeps
		// answering, its limit is shared.
		CompletableFuture<String> exactDuring = (fault.expected == Switches.NONE) ? CompletableFuture
			.supplyAsync(() -> exactnessLater(fault.hold.dividedBy(2), "10.2." + fault.ordinal() + ".1", a, b)) : null;
		FixedClient fixed = (fault == Fault.FULL) ? new FixedClient(load, a, b, "10.3." + fault.ordinal() + ".1")
				: null;
		if (fault == Fault.APP_PAUSED) {
			for (int i = 0; i < APP_PAUSES; i++) {
				a.pause();
				Thread.sleep(APP_PAUSE.toMillis());
				a.resume();
				Thread.sleep(APP_RUNS.toMillis());
			}
		}
		else {
			Thread.sleep(fault.hold.toMillis());
		}
		undo.close();
		long healed = System.nanoTime();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> "redis".equals(modes.current(0)) && "redis".equals(modes.current(1)));
		long recovered = System.nanoTime();
		Thread.sleep(AFTER.toMillis());
		long afterEnd = System.nanoTime();

		Figures f = new Figures(fault);
		if (fixed != null) {
			fixed.close();
			f.fixedClientAllowed = fixed.allowed.get();
			f.fixedClientBound = fixed.policyBound();
		}
		f.exactnessDuring = (exactDuring != null) ? exactDuring.join() : null;
		List<SampleLoad.Request> during = between(load.requests, injected, healed);
		List<SampleLoad.Request> after = between(load.requests, recovered, afterEnd);
		List<SampleLoad.Request> all = between(load.requests, injected, afterEnd);
		f.served = all.stream().filter((r) -> r.status() > 0).count();
		f.serverErrors = all.stream().filter((r) -> r.status() >= 500).count();
		f.unanswered = all.stream().filter((r) -> r.status() < 0).count();
		f.p99During = p99(during);
		f.p99After = p99(after);
		f.staleDuring = during.stream().filter(SampleLoad.Request::stale).count();
		f.staleAfter = after.stream().filter(SampleLoad.Request::stale).count();
		f.toMemoryMillis = Math.max(modes.millisTo(0, "memory", injected, healed),
				modes.millisTo(1, "memory", injected, healed));
		// An instance that was not in memory when Redis healed had nothing to come back
		// from.
		f.backMillis = Math.max(
				"memory".equals(modes.modeAt(0, healed)) ? modes.millisTo(0, "redis", healed, Long.MAX_VALUE) : 0,
				"memory".equals(modes.modeAt(1, healed)) ? modes.millisTo(1, "redis", healed, Long.MAX_VALUE) : 0);
		f.linesToMemory = new int[] { lines(a, TO_MEMORY) - linesBefore[0], lines(b, TO_MEMORY) - linesBefore[1] };
		f.linesBack = new int[] { lines(a, BACK) - linesBefore[2], lines(b, BACK) - linesBefore[3] };
		f.twinAnswers = Math.round(twinAnswers(a) + twinAnswers(b) - twinAnswersBefore);
		f.exactness = exactness("10.1." + fault.ordinal() + ".1", a, b);
		f.notificationsAfter = notificationsAcross(fault, a, b, load);
		jobsOf(f, load, a);
		return f;
	}

	/** The uploads accepted and not yet seen completed, across episodes. */
	private final List<String> jobsToCheck = new ArrayList<>();

	/**
	 * Every upload accepted so far must end as a completed job: waits for each (at most
	 * 30 s in all) and counts those that never do as lost.
	 */
	private void jobsOf(Figures f, SampleLoad load, SampleProcess sample) throws Exception {
		SampleLoad.Upload upload;
		while ((upload = load.uploads.poll()) != null) {
			this.jobsToCheck.add(upload.id());
		}
		f.jobsAccepted = this.jobsToCheck.size();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!this.jobsToCheck.isEmpty() && System.nanoTime() < deadline) {
			for (java.util.Iterator<String> ids = this.jobsToCheck.iterator(); ids.hasNext();) {
				HttpResponse<String> job = sample.get("/api/jobs/" + ids.next());
				if (job.statusCode() == 200 && job.body().contains("\"state\":\"completed\"")) {
					ids.remove();
				}
			}
			if (!this.jobsToCheck.isEmpty()) {
				Thread.sleep(200);
			}
		}
		f.jobsLost = this.jobsToCheck.size();
		this.jobsToCheck.clear();
	}

	/**
	 * Applies the fault; closing what it returns ends it (or nothing, for faults that end
	 * by themselves).
	 */
	private AutoCloseable inject(Fault fault, SampleProcess a, SampleProcess b, SampleLoad load)
			throws InterruptedException {
		return switch (fault) {
			case KILL -> {
				redis.server().kill();
				yield () -> redis.server().start();
			}
			case FREEZE -> {
				redis.server().pause();
				yield () -> redis.server().resume();
			}
			case SLOW -> {
				CompletableFuture<Object> sleeping = CompletableFuture.supplyAsync(
						() -> redis.server().command("DEBUG", "SLEEP", String.valueOf(fault.hold.toSeconds())));
				yield sleeping::join;
			}
			case CLIENT_KILL -> {
				redis.server().command("CLIENT", "KILL", "TYPE", "pubsub");
				redis.server().command("CLIENT", "KILL", "TYPE", "normal");
				yield () -> {
				};
			}
			case OUT_OF_MEMORY -> {
				redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
				redis.server().command("CONFIG", "SET", "maxmemory", "1");
				yield () -> redis.server().command("CONFIG", "SET", "maxmemory", "0");
			}
			case NEW_PASSWORD -> {
				redis.server().restartWithPassword(ROTATED);
				yield () -> redis.server().restartWithPassword(PASSWORD);
			}
			case SLOW_SCRIPTS -> {
				AtomicBoolean burning = new AtomicBoolean(true);
				CompletableFuture<Void> scripts = CompletableFuture.runAsync(() -> {
					while (burning.get()) {
						redis.server().busyFor(Duration.ofMillis(BURN_MILLIS));
					}
				});
				yield () -> {
					burning.set(false);
					scripts.join();
				};
			}
			case STARVED_CPU -> CpuStarvation.start(SPINNERS_PER_CORE);
			case THROTTLED -> {
				List<CpuThrottle> throttles = new ArrayList<>();
				for (long pid : new long[] { Long.parseLong(redis.server().info("process_id")), a.pid(), b.pid() }) {
					throttles.add(CpuThrottle.start(pid, THROTTLE_STOPPED, THROTTLE_PERIOD));
					Thread.sleep(THROTTLE_PERIOD.toMillis() / 3);
				}
				yield () -> throttles.forEach(CpuThrottle::close);
			}
			case APP_PAUSED -> {
				// The pauses are made by the caller, during the hold. Meanwhile new
				// clients keep checks of instance A
				// in flight at every moment, so that the stops catch calls waiting on
				// Redis.
				List<SampleLoad.Loop> clients = new ArrayList<>();
				for (int c = 0; c < 4; c++) {
					String prefix = "10.8." + c + ".";
					clients.add(load.alsoEvery(0, (n) -> load.record("ping",
							() -> a.get("/api/ping", "X-Forwarded-For", prefix + (n % 250)))));
				}
				yield () -> {
					for (SampleLoad.Loop client : clients) {
						client.close();
					}
				};
			}
			case CLUSTER_FAILOVER -> {
				RedisCluster current = cluster;
				current.masterOf(ROLES_KEY).kill();
				yield () -> current.awaitHealthy(Duration.ofSeconds(30));
			}
			case FULL -> {
				// 5 MB of other data first, so that client buffers growing and shrinking
				// (tens of KB, and Redis 6.2
				// shrinks them for a while after a burst) do not move the free share past
				// the 10% that takes it back.
				redis.server().command("SETRANGE", OTHER_DATA_KEY, String.valueOf(5 * 1024 * 1024), "x");
				long used = Long.parseLong(redis.server().info("used_memory"));
				redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
				redis.server().command("CONFIG", "SET", "maxmemory", String.valueOf(used + FULL_HEADROOM_BYTES));
				// A load of new keys: a client never seen before every few milliseconds,
				// each making a rate-limit key.
				SampleLoad.Loop clients = load.alsoEvery(NEW_CLIENT_EVERY_MILLIS, (n) -> load.record("ping",
						() -> a.get("/api/ping", "X-Forwarded-For", "10.9." + (n / 250 % 250) + "." + (n % 250))));
				yield () -> {
					clients.close();
					redis.server().command("CONFIG", "SET", "maxmemory", "0");
					redis.server().command("DEL", OTHER_DATA_KEY);
				};
			}
		};
	}

	/**
	 * Checks answered by an outage policy (the twins, fail-open or fail-closed) so far,
	 * on one instance.
	 */
	private static double twinAnswers(SampleProcess sample) throws Exception {
		return sample.getJson("/actuator/metrics/redis.starter.ratelimit.fallbacks")
			.get("measurements")
			.get(0)
			.get("value")
			.asDouble();
	}

	/**
	 * One client pinging every 100 ms, alternating instances, for a whole episode: under
	 * the fallback policy each instance counts it in memory while away, so it may get at
	 * most the allowance of Redis plus that of each instance over the episode.
	 */
	private static final class FixedClient implements AutoCloseable {

		private final long startNanos = System.nanoTime();

		private final SampleLoad.Loop loop;

		private long endNanos;

		private final AtomicInteger allowed = new AtomicInteger();

		FixedClient(SampleLoad load, SampleProcess a, SampleProcess b, String ip) {
			this.loop = load.alsoEvery(100, (n) -> {
				HttpResponse<String> response = load.record("ping",
						() -> ((n % 2 == 0) ? a : b).get("/api/ping", "X-Forwarded-For", ip));
				if (response != null && response.statusCode() == 200) {
					this.allowed.incrementAndGet();
				}
			});
		}

		/**
		 * Redis and both instances, each allowing 5 at once and one more every 2 s (5 per
		 * 10 s).
		 */
		int policyBound() {
			long seconds = (this.endNanos - this.startNanos) / 1_000_000_000L;
			return 3 * (5 + (int) (seconds / 2 + 1));
		}

		@Override
		public void close() throws Exception {
			this.loop.close();
			this.endNanos = System.nanoTime();
		}

	}

	private static final String TO_MEMORY = "switched to the in-memory twins";

	private static final String BACK = "switched back from the in-memory twins";

	private static int lines(SampleProcess sample, String text) throws IOException {
		return (int) sample.output().lines().filter((line) -> line.contains(text)).count();
	}

	private static List<SampleLoad.Request> between(ConcurrentLinkedQueue<SampleLoad.Request> requests, long from,
			long to) {
		return requests.stream().filter((r) -> r.startNanos() >= from && r.startNanos() < to).toList();
	}

	private static long p99(List<SampleLoad.Request> requests) {
		long[] millis = requests.stream().mapToLong(SampleLoad.Request::millis).sorted().toArray();
		return (millis.length == 0) ? 0
				: millis[Math.min(millis.length - 1, (int) Math.ceil(millis.length * 0.99) - 1)];
	}

	private static String exactnessLater(Duration delay, String ip, SampleProcess a, SampleProcess b) {
		try {
			Thread.sleep(delay.toMillis());
			return exactness(ip, a, b);
		}
		catch (Exception ex) {
			return ex.toString();
		}
	}

	/**
	 * A client never seen before sends 8 pings, alternating instances: 5 per 10 s means 5
	 * allowed, then 429s.
	 */
	private static String exactness(String ip, SampleProcess a, SampleProcess b) throws Exception {
		StringBuilder statuses = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			HttpResponse<String> response = ((i % 2 == 0) ? a : b).get("/api/ping", "X-Forwarded-For", ip);
			statuses.append((i > 0) ? " " : "").append(response.statusCode());
		}
		return statuses.toString();
	}

	/**
	 * Three notifications posted on each instance, once both listen again: how many
	 * reached the other one.
	 */
	private static String notificationsAcross(Fault fault, SampleProcess a, SampleProcess b, SampleLoad load)
			throws Exception {
		awaitSubscribedTwice();
		List<String> texts = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String text = "after-" + fault.name() + "-" + i;
			texts.add(text);
			((i % 2 == 0) ? a : b).post("/api/notifications", "{\"text\":\"" + text + "\"}");
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		int across = 0;
		while (System.nanoTime() < deadline) {
			across = 0;
			for (int i = 0; i < 6; i++) {
				String quoted = "\"text\":\"" + texts.get(i) + "\"";
				// Posted on A (even i), heard on B (listener 1); posted on B, heard on A.
				List<String> other = load.heard.get((i % 2 == 0) ? 1 : 0);
				across += other.stream().anyMatch((m) -> m.contains(quoted)) ? 1 : 0;
			}
			if (across == 6) {
				break;
			}
			Thread.sleep(50);
		}
		return across + "/6";
	}

	/**
	 * Both instances subscribed to the notifications' channel: on the cluster, on
	 * whichever nodes they are connected to.
	 */
	private static void awaitSubscribedTwice() {
		RedisCluster current = cluster;
		List<RedisServer> servers = (current != null) ? current.servers() : List.of(redis.server());
		await().atMost(Duration.ofSeconds(15))
			.until(() -> servers.stream()
				.filter(RedisServer::isRunning)
				.mapToLong(FaultSuiteTests::subscribers)
				.sum() == 2);
	}

	@SuppressWarnings("unchecked")
	private static long subscribers(RedisServer server) {
		return (Long) ((List<Object>) server.command("PUBSUB", "NUMSUB", "notifications")).get(1);
	}

	private static void awaitMode(SampleProcess sample, String mode) {
		await().atMost(Duration.ofSeconds(15))
			.until(() -> sample.getJson("/api/backend").get("mode").asString().equals(mode));
	}

	/**
	 * Logs, health (with what it tells of the server), metrics (also as Prometheus
	 * scrapes them), env and configprops of both instances: no password anywhere.
	 */
	private static void assertNoSecretIn(SampleProcess... samples) throws Exception {
		for (SampleProcess sample : samples) {
			List<String> served = new ArrayList<>(List.of(sample.output()));
			for (String path : List.of("/actuator/health", "/actuator/env", "/actuator/configprops",
					"/actuator/metrics", "/actuator/metrics/redis.starter.backend.switches",
					"/actuator/metrics/redis.starter.backend.mode", "/actuator/prometheus", "/api/backend")) {
				HttpResponse<String> response = sample.get(path);
				assertThat(response.statusCode()).as(path).isEqualTo(200);
				served.add(response.body());
			}
			for (String text : served) {
				assertThat(text).doesNotContain(PASSWORD).doesNotContain(ROTATED);
			}
		}
	}

	/**
	 * A REDIS_URL with the password that cannot be parsed: startup stops, and neither its
	 * output nor its error says it.
	 */
	private static void assertNoSecretInABadConfigurationRun() {
		assertThatThrownBy(
				() -> SampleProcess.start(Map.of("REDIS_URL", "redis://app:" + PASSWORD + "@bad_host:99999")))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("REDIS_URL")
			.satisfies((failure) -> assertThat(failure.getMessage()).doesNotContain(PASSWORD));
	}

	/** What one fault did, as the report gives it. */
	static final class Figures {

		final Fault fault;

		long served;

		long serverErrors;

		long unanswered;

		long p99During;

		long p99After;

		long toMemoryMillis = -1;

		long backMillis;

		int[] linesToMemory;

		int[] linesBack;

		String exactness;

		long staleDuring;

		long staleAfter;

		String notificationsAfter;

		/**
		 * The 8 pings of a new client in the middle of a fault that must not switch; null
		 * for the others.
		 */
		String exactnessDuring;

		/** Checks answered by an outage policy instead of Redis, both instances. */
		long twinAnswers;

		int fixedClientAllowed = -1;

		int fixedClientBound = -1;

		/**
		 * Uploads accepted (202) since the last episode's check, and how many of their
		 * jobs never completed.
		 */
		long jobsAccepted;

		long jobsLost;

		Figures(Fault fault) {
			this.fault = fault;
		}

		int falseSwitches() {
			return this.fault.expected.falseSwitches(this.linesToMemory[0], this.linesBack[0])
					+ this.fault.expected.falseSwitches(this.linesToMemory[1], this.linesBack[1]);
		}

	}

	/**
	 * Each instance's backend mode, polled every 25 ms from /api/backend, with the time
	 * of each change.
	 */
	static final class Modes implements AutoCloseable {

		private record Change(long atNanos, String mode) {
		}

		private final List<List<Change>> changes = List.of(new java.util.concurrent.CopyOnWriteArrayList<>(),
				new java.util.concurrent.CopyOnWriteArrayList<>());

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread poller;

		Modes(SampleProcess a, SampleProcess b) {
			SampleProcess[] samples = { a, b };
			this.poller = new Thread(() -> {
				String[] last = { null, null };
				while (this.running.get()) {
					for (int i = 0; i < 2; i++) {
						try {
							String mode = samples[i].getJson("/api/backend").get("mode").asString();
							if (!mode.equals(last[i])) {
								this.changes.get(i).add(new Change(System.nanoTime(), mode));
								last[i] = mode;
							}
						}
						catch (Exception ex) {
							// The next poll will tell.
						}
					}
					try {
						Thread.sleep(25);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "fault-suite-modes");
			this.poller.start();
		}

		/** The mode the instance was last seen in. */
		String current(int instance) {
			return modeAt(instance, Long.MAX_VALUE);
		}

		/** The mode the instance was in at {@code at}, as far as the polls saw. */
		String modeAt(int instance, long at) {
			String mode = null;
			for (Change change : this.changes.get(instance)) {
				if (change.atNanos <= at) {
					mode = change.mode;
				}
			}
			return mode;
		}

		/**
		 * Milliseconds from {@code from} until the instance was first seen in
		 * {@code mode} before {@code to}; -1: never.
		 */
		long millisTo(int instance, String mode, long from, long to) {
			for (Change change : this.changes.get(instance)) {
				if (change.atNanos >= from && change.atNanos < to && change.mode.equals(mode)) {
					return (change.atNanos - from) / 1_000_000;
				}
			}
			return -1;
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.poller.join(5000);
		}

	}

}
