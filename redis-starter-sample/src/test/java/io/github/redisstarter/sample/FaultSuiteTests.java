package io.github.redisstarter.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The starter's promise, for the whole app as users meet it: two sample instances (real HTTP servers) share one
 * harness redis-server under a steady mixed load, while Redis is killed, frozen, slowed, cut off, filled up and
 * given a new password, one fault after another. Every request is answered, never with a 5xx; each instance
 * switches to its in-memory twins and back once per fault; once back, rate limits are exact, no role read is stale
 * and notifications cross instances again. The figures go to target/reliability.md (and to docs/reliability.md with
 * -Dreliability.docs=true); the secrets of every run are looked for in everything the apps wrote or served.
 */
class FaultSuiteTests {

	private static final String PASSWORD = "fault-suite-pw-7e1";

	private static final String ROTATED = "rotated-pw-93c";

	/** Each fault lasts longer than the command timeout (1 s). */
	static final Duration HOLD = Duration.ofSeconds(2);

	/** Load kept up after the apps are back on Redis, before the checks of that phase. */
	private static final Duration AFTER = Duration.ofSeconds(2);

	/** Generous bounds for a busy 2-core machine; the report gives the measured figures against the targets. */
	private static final long SWITCH_BOUND_MILLIS = 2_000;

	private static final long P99_BOUND_MILLIS = 1_500;

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(PASSWORD));

	/** The faults, in the order they are applied. */
	enum Fault {

		KILL("kill -9, then a restart with an empty dataset (the script cache gone)"),

		FREEZE("SIGSTOP, then SIGCONT: a hung server, as in a network partition"),

		SLOW("DEBUG SLEEP for the whole hold: a server that answers nothing for a while, then everything"),

		CLIENT_KILL("CLIENT KILL of every app connection (normal and pub/sub) at the start of the hold"),

		OUT_OF_MEMORY("maxmemory reached with noeviction: every write refused with OOM, reads and PING answered"),

		NEW_PASSWORD("a restart with another password (WRONGPASS), then one with the app's password again");

		final String how;

		Fault(String how) {
			this.how = how;
		}

	}

	@Test
	void theAppKeepsServingThroughEveryFaultAndNothingLeaks() throws Exception {
		Path database = Files.createTempDirectory("redis-starter-faults-db-");
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		// As users run it, with two differences that make the figures readable: X-Forwarded-For tells the simulated
		// clients apart, and a 5 s command timeout shows what the call deadline saves (Lettuce's own is 60 s).
		String[] arguments = { "--spring.datasource.url=" + SampleProcess.h2Url(database),
				"--server.forward-headers-strategy=native", "--spring.data.redis.timeout=5s",
				"--management.endpoints.web.exposure.include=health,metrics,env,configprops" };
		List<Figures> figures = new ArrayList<>();
		try (SampleProcess a = SampleProcess.start(env, arguments); SampleProcess b = SampleProcess.start(env, arguments);
				SampleLoad load = new SampleLoad(a, b); Modes modes = new Modes(a, b)) {
			awaitMode(a, "redis");
			awaitMode(b, "redis");
			load.listen();
			awaitSubscribedTwice();
			load.start();
			Thread.sleep(1000);
			for (Fault fault : Fault.values()) {
				figures.add(apply(fault, a, b, load, modes));
			}
			String report = ReliabilityReport.render(figures, redis.server().info("redis_version"));
			ReliabilityReport.write(report);

			for (Figures f : figures) {
				assertThat(f.serverErrors).as("%s: 5xx", f.fault).isZero();
				assertThat(f.unanswered).as("%s: requests without a response", f.fault).isZero();
				assertThat(f.staleAfter).as("%s: stale role reads after recovery", f.fault).isZero();
				assertThat(f.exactness).as("%s: the rate limit once back on Redis", f.fault).isEqualTo(ReliabilityReport.EXACT);
				assertThat(f.notificationsAfter).as("%s: notifications across instances after recovery", f.fault)
					.isEqualTo("6/6");
				for (int i = 0; i < 2; i++) {
					assertThat(f.linesToMemory[i]).as("%s: switch lines of instance %d, to memory", f.fault, i).isLessThanOrEqualTo(1);
					assertThat(f.linesBack[i]).as("%s: switch lines of instance %d, back", f.fault, i)
						.isEqualTo(f.linesToMemory[i]);
				}
				assertThat(f.backMillis).as("%s: back on Redis", f.fault).isBetween(0L, SWITCH_BOUND_MILLIS);
				if (f.fault != Fault.CLIENT_KILL) {
					// Every fault but a dropped connection (which Lettuce mends in milliseconds) must be noticed.
					assertThat(f.toMemoryMillis).as("%s: switch to memory", f.fault).isBetween(0L, SWITCH_BOUND_MILLIS);
					assertThat(f.linesToMemory).as("%s: one switch line each", f.fault).containsExactly(1, 1);
				}
				assertThat(f.p99During).as("%s: p99 during the fault", f.fault).isLessThan(P99_BOUND_MILLIS);
			}
			assertNoSecretIn(a, b);
		}
		assertNoSecretInABadConfigurationRun();
	}

	private Figures apply(Fault fault, SampleProcess a, SampleProcess b, SampleLoad load, Modes modes)
			throws Exception {
		int[] linesBefore = { lines(a, TO_MEMORY), lines(b, TO_MEMORY), lines(a, BACK), lines(b, BACK) };
		long injected = System.nanoTime();
		CompletableFuture<Object> sleeping = null;
		switch (fault) {
			case KILL -> redis.server().kill();
			case FREEZE -> redis.server().pause();
			case SLOW -> {
				sleeping = CompletableFuture
					.supplyAsync(() -> redis.server().command("DEBUG", "SLEEP", String.valueOf(HOLD.toSeconds())));
			}
			case CLIENT_KILL -> {
				redis.server().command("CLIENT", "KILL", "TYPE", "pubsub");
				redis.server().command("CLIENT", "KILL", "TYPE", "normal");
			}
			case OUT_OF_MEMORY -> {
				redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
				redis.server().command("CONFIG", "SET", "maxmemory", "1");
			}
			case NEW_PASSWORD -> redis.server().restartWithPassword(ROTATED);
		}
		Thread.sleep(HOLD.toMillis());
		switch (fault) {
			case KILL -> redis.server().start();
			case FREEZE -> redis.server().resume();
			case SLOW -> sleeping.join();
			case OUT_OF_MEMORY -> redis.server().command("CONFIG", "SET", "maxmemory", "0");
			case NEW_PASSWORD -> redis.server().restartWithPassword(PASSWORD);
			default -> {
			}
		}
		long healed = System.nanoTime();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> "redis".equals(modes.current(0)) && "redis".equals(modes.current(1)));
		long recovered = System.nanoTime();
		Thread.sleep(AFTER.toMillis());
		long afterEnd = System.nanoTime();

		Figures f = new Figures(fault);
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
		f.toMemoryMillis = Math.max(modes.millisTo(0, "memory", injected, healed), modes.millisTo(1, "memory", injected, healed));
		// An instance that was not in memory when Redis healed had nothing to come back from.
		f.backMillis = Math.max("memory".equals(modes.modeAt(0, healed)) ? modes.millisTo(0, "redis", healed, Long.MAX_VALUE) : 0,
				"memory".equals(modes.modeAt(1, healed)) ? modes.millisTo(1, "redis", healed, Long.MAX_VALUE) : 0);
		f.linesToMemory = new int[] { lines(a, TO_MEMORY) - linesBefore[0], lines(b, TO_MEMORY) - linesBefore[1] };
		f.linesBack = new int[] { lines(a, BACK) - linesBefore[2], lines(b, BACK) - linesBefore[3] };
		f.exactness = exactness(fault, a, b);
		f.notificationsAfter = notificationsAcross(fault, a, b, load);
		return f;
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
		return (millis.length == 0) ? 0 : millis[Math.min(millis.length - 1, (int) Math.ceil(millis.length * 0.99) - 1)];
	}

	/** A client never seen before sends 8 pings, alternating instances: 5 per 10 s means 5 allowed, then 429s. */
	private static String exactness(Fault fault, SampleProcess a, SampleProcess b) throws Exception {
		String ip = "10.1." + fault.ordinal() + ".1";
		StringBuilder statuses = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			HttpResponse<String> response = ((i % 2 == 0) ? a : b).get("/api/ping", "X-Forwarded-For", ip);
			statuses.append((i > 0) ? " " : "").append(response.statusCode());
		}
		return statuses.toString();
	}

	/** Three notifications posted on each instance, once both listen again: how many reached the other one. */
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

	@SuppressWarnings("unchecked")
	private static void awaitSubscribedTwice() {
		await().atMost(Duration.ofSeconds(15))
			.until(() -> (Long) ((List<Object>) redis.server().command("PUBSUB", "NUMSUB", "notifications")).get(1) == 2);
	}

	private static void awaitMode(SampleProcess sample, String mode) {
		await().atMost(Duration.ofSeconds(15)).until(() -> sample.getJson("/api/backend").get("mode").asString().equals(mode));
	}

	/** Logs, health, metrics, env and configprops of both instances: no password anywhere. */
	private static void assertNoSecretIn(SampleProcess... samples) throws Exception {
		for (SampleProcess sample : samples) {
			List<String> served = new ArrayList<>(List.of(sample.output()));
			for (String path : List.of("/actuator/health", "/actuator/env", "/actuator/configprops", "/actuator/metrics",
					"/actuator/metrics/redis.starter.backend.switches", "/actuator/metrics/redis.starter.backend.mode",
					"/api/backend")) {
				HttpResponse<String> response = sample.get(path);
				assertThat(response.statusCode()).as(path).isEqualTo(200);
				served.add(response.body());
			}
			for (String text : served) {
				assertThat(text).doesNotContain(PASSWORD).doesNotContain(ROTATED);
			}
		}
	}

	/** A REDIS_URL with the password that cannot be parsed: startup stops, and neither its output nor its error says it. */
	private static void assertNoSecretInABadConfigurationRun() {
		assertThatThrownBy(() -> SampleProcess.start(Map.of("REDIS_URL", "redis://app:" + PASSWORD + "@bad_host:99999")))
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

		Figures(Fault fault) {
			this.fault = fault;
		}

	}

	/** Each instance's backend mode, polled every 25 ms from /api/backend, with the time of each change. */
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

		/** Milliseconds from {@code from} until the instance was first seen in {@code mode} before {@code to}; -1: never. */
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
