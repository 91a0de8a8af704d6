package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.autoconfigure.metrics.BackendMetrics;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis that answers late, or answers but refuses writes: callers wait no longer than the
 * call deadline, one slow answer switches nothing, a Redis that answers slowly but
 * steadily is used rather than left, a silent one is left, and a server that refuses
 * writes is taken back only once it has room for them. The command timeout is set to 5 s
 * here, so that a caller left to it would be seen waiting.
 */
@ExtendWith(OutputCaptureExtension.class)
class SlowAndRefusingRedisTests {

	/**
	 * Generous: the deadline is 100 ms, the command timeout 5 s; a busy machine must
	 * still fit in between.
	 */
	private static final Duration CALL_BOUND = Duration.ofSeconds(2);

	private static final Duration SWITCH_BOUND = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	/**
	 * Redis 6.2 answers a write refused inside a script differently (an ERR that wraps
	 * the OOM): tested on both.
	 */
	@RegisterExtension
	static final RedisServerExtension redis6 = new RedisServerExtension(RedisServer.config().embedded());

	private static ConfigurableApplicationContext run() {
		return run(redis.server(), Duration.ofMillis(100));
	}

	private static ConfigurableApplicationContext run(Duration pingInterval) {
		return run(redis.server(), pingInterval);
	}

	/**
	 * @param pingInterval how often the monitor pings, which counts as a call that may
	 * miss its deadline too
	 */
	private static ConfigurableApplicationContext run(RedisServer server, Duration pingInterval) {
		return TestApp.run(Map.of("REDIS_URL", server.url()), "spring.data.redis.timeout=5s",
				"redis-starter.ping-interval=" + pingInterval.toMillis() + "ms", "redis-starter.ping-timeout=4s",
				"redis-starter.rate-limit.limits.api.bands=100/1m", "redis-starter.rate-limit.limits.tight.bands=1/1m",
				"redis-starter.rate-limit.limits.wide.bands=1000000/1m");
	}

	@Test
	void oneSlowAnswerIsReplacedByTheTwinAndSwitchesNothing() throws Exception {
		// The monitor's first PING only comes after 10 s, so the one call below is the
		// only one to miss its deadline.
		try (ConfigurableApplicationContext context = run(Duration.ofSeconds(10))) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("api", "k").source()).isEqualTo(Decision.Source.REDIS);

			CompletableFuture<Object> sleep = CompletableFuture
				.supplyAsync(() -> redis.server().command("DEBUG", "SLEEP", "0.5"));
			Thread.sleep(150);
			// One call misses its deadline while Redis sleeps: answered by the twin, and
			// no switch.
			assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.FALLBACK);
			sleep.join();
			assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.REDIS);
			assertThat(state.switchCount()).isZero();
			assertThat(state.mode()).isEqualTo(BackendMode.REDIS);
		}
	}

	@Test
	void aHungRedisIsLeftAfterAFewMissedDeadlinesNotAfterTheCommandTimeout(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run()) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("api", "k").source()).isEqualTo(Decision.Source.REDIS);

			redis.server().pause();
			try {
				long start = System.nanoTime();
				for (int i = 0; i < 3; i++) {
					assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.FALLBACK);
				}
				// Three missed deadlines switched, long before the monitor's 4 s PING
				// timeout could.
				assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
				assertThat(state.reason()).startsWith("timed out (no answer for ").contains("while calls waited");
				assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.FALLBACK);
			}
			finally {
				redis.server().resume();
			}
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.REDIS);
			assertThat(state.switchCount()).isEqualTo(2);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("unreachable");
	}

	@Test
	void aRedisThatAnswersSlowlyButSteadilyIsUsedNotLeft() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("api", "k").source()).isEqualTo(Decision.Source.REDIS);

			// Another client keeps Redis busy 150 ms at a time, back to back, for 3 s:
			// every answer comes late, none
			// is missing. The deadline starts at 100 ms.
			AtomicBoolean busy = new AtomicBoolean(true);
			CompletableFuture<Void> scripts = CompletableFuture.runAsync(() -> {
				while (busy.get()) {
					redis.server().busyFor(Duration.ofMillis(150));
				}
			});
			Map<Decision.Source, Integer> late = new EnumMap<>(Decision.Source.class);
			try {
				long start = System.nanoTime();
				while (System.nanoTime() - start < Duration.ofSeconds(3).toNanos()) {
					Decision.Source source = timedCheck(limiter);
					if (System.nanoTime() - start > Duration.ofSeconds(1).toNanos()) {
						late.merge(source, 1, Integer::sum);
					}
				}
			}
			finally {
				busy.set(false);
				scripts.join();
			}
			assertThat(state.switchCount()).as("switches").isZero();
			assertThat(state.callDeadline()).as("the deadline followed Redis").isGreaterThan(Duration.ofMillis(150));
			// Once the deadline has learnt, checks are Redis' own: the shared limit
			// holds.
			assertThat(late.getOrDefault(Decision.Source.REDIS, 0)).isPositive();
			assertThat(late.getOrDefault(Decision.Source.FALLBACK, 0))
				.as("answered by the twin after the first second, of %s", late)
				.isLessThanOrEqualTo(late.getOrDefault(Decision.Source.REDIS, 0) / 10);
		}
	}

	@Test
	void pausesOfThisJvmAreNotMistakenForASilentRedis() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("wide", "k").source()).isEqualTo(Decision.Source.REDIS);
			// Checks in flight all the time, while another process stops this very JVM
			// for 400 ms, five times (as a
			// long GC pause does): the answers arrive while we are stopped, and wait in
			// the socket.
			AtomicBoolean checking = new AtomicBoolean(true);
			Map<Decision.Source, Integer> sources = new java.util.concurrent.ConcurrentHashMap<>();
			List<CompletableFuture<Void>> callers = new java.util.ArrayList<>();
			for (int t = 0; t < 4; t++) {
				String key = "caller-" + t;
				callers.add(CompletableFuture.runAsync(() -> {
					while (checking.get()) {
						sources.merge(limiter.tryAcquire("wide", key).source(), 1, Integer::sum);
					}
				}));
			}
			long pid = ProcessHandle.current().pid();
			Process stopper = new ProcessBuilder("sh", "-c",
					"for i in 1 2 3 4 5; do sleep 0.3; kill -STOP " + pid + "; sleep 0.4; kill -CONT " + pid + "; done")
				.start();
			try {
				assertThat(stopper.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			}
			finally {
				checking.set(false);
				CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();
			}
			assertThat(state.switchCount()).as("switches").isZero();
			assertThat(sources).as("where the checks were answered").containsOnlyKeys(Decision.Source.REDIS);
			// What the detector left out of Redis' silences, 5 x 400 ms, shows as
			// evidence.
			assertThat(state.stalledTime()).as("this JVM's stops").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			assertThat(context.getBean(MeterRegistry.class).get(BackendMetrics.STALLED).functionCounter().count())
				.isGreaterThanOrEqualTo(1.0);
		}
	}

	@Test
	void denialsAnsweredLocallyDoNotHideAHungRedis() {
		try (ConfigurableApplicationContext context = run()) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("tight", "flood").allowed()).isTrue();
			assertThat(limiter.tryAcquire("tight", "flood").allowed()).isFalse();
			redis.server().pause();
			try {
				for (int i = 0; i < 3 && state.usesRedis(); i++) {
					// The flooding client is answered by the deny cache, without Redis:
					// that is no sign Redis is fine.
					assertThat(limiter.tryAcquire("tight", "flood").source()).isEqualTo(Decision.Source.DENY_CACHE);
					assertThat(limiter.tryAcquire("api", "k" + i).source()).isEqualTo(Decision.Source.FALLBACK);
				}
				assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			}
			finally {
				redis.server().resume();
			}
		}
	}

	@Test
	void aCacheReadThatMissesItsDeadlineIsAnsweredByTheLoader() {
		try (ConfigurableApplicationContext context = run()) {
			AtomicInteger loads = new AtomicInteger();
			TwoLevelCache<String> cache = context.getBean(TwoLevelCacheFactory.class)
				.create("slow", String.class, (id) -> Optional.of("loaded-" + loads.incrementAndGet()));
			redis.server().pause();
			try {
				long start = System.nanoTime();
				assertThat(cache.get("a")).contains("loaded-1");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
			}
			finally {
				redis.server().resume();
			}
		}
	}

	@ParameterizedTest(name = "Redis {0}")
	@ValueSource(strings = { "on the machine", "6.2" })
	void redisThatRefusesWritesIsLeftOnceAndTakenBackOnlyWhenItTakesWritesAgain(String version, CapturedOutput output)
			throws InterruptedException {
		RedisServer server = server(version);
		try (ConfigurableApplicationContext context = run(server, Duration.ofMillis(100))) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("api", "k").source()).isEqualTo(Decision.Source.REDIS);

			server.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
			server.command("CONFIG", "SET", "maxmemory", "1");
			try {
				assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.FALLBACK);
				assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
				assertThat(state.reason()).contains("OOM");
				// PING is answered all along: only the write probe keeps the app from
				// flapping back and forth.
				Thread.sleep(1500);
				assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
				assertThat(state.switchCount()).isEqualTo(1);
			}
			finally {
				server.command("CONFIG", "SET", "maxmemory", "0");
			}
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(timedCheck(limiter)).isEqualTo(Decision.Source.REDIS);
			assertThat(state.switchCount()).isEqualTo(2);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("OOM");
	}

	@ParameterizedTest(name = "Redis {0}")
	@ValueSource(strings = { "on the machine", "6.2" })
	void aFullRedisIsTakenBackOnlyOnceItHasRoomForTheAppsWritesNotOnOneLuckyWrite(String version)
			throws InterruptedException {
		RedisServer server = server(version);
		try (ConfigurableApplicationContext context = run(server, Duration.ofMillis(100))) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("api", "k").source()).isEqualTo(Decision.Source.REDIS);
			// Just above what Redis holds, with noeviction: the app's new keys fill it,
			// and then a write the size of
			// the probe's still fits now and then (a key expires, a buffer shrinks). 5 MB
			// of other data first (as in
			// the sample's fault suite), so that client buffers growing and shrinking
			// (tens of KB) move the free share
			// by little.
			server.command("SETRANGE", "other-data", String.valueOf(5 * 1024 * 1024), "x");
			long used = Long.parseLong(server.info("used_memory"));
			server.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
			long max = used + 128 * 1024;
			server.command("CONFIG", "SET", "maxmemory", String.valueOf(max));
			try {
				for (int i = 0; i < 50_000 && state.usesRedis(); i++) {
					limiter.tryAcquire("api", "new-client-" + i);
				}
				assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
				assertThat(state.reason()).contains("OOM");
				// Redis gets a little room: writes fit again (5% free), yet Redis is
				// nearly full. Measured once its
				// memory has settled (Redis 6.2 shrinks client buffers for a while after
				// a burst).
				server.command("CONFIG", "SET", "maxmemory", String.valueOf((long) (settledUsedMemory(server) / 0.95)));
				Thread.sleep(1500);
				assertThat(state.mode()).as("a probe write fits, but Redis has less than 10% free")
					.isEqualTo(BackendMode.MEMORY);
				assertThat(state.switchCount()).isEqualTo(1);
				assertThat(state.lastPing().failure()).as("the probe").contains("10% is free");
			}
			finally {
				server.command("CONFIG", "SET", "maxmemory", "0");
			}
			await().atMost(SWITCH_BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(state.switchCount()).isEqualTo(2);
		}
	}

	/** used_memory once two reads 300 ms apart differ by less than 0.5%, or after 3 s. */
	private static long settledUsedMemory(RedisServer server) throws InterruptedException {
		long previous = Long.parseLong(server.info("used_memory"));
		for (int i = 0; i < 10; i++) {
			Thread.sleep(300);
			long used = Long.parseLong(server.info("used_memory"));
			if (Math.abs(used - previous) < previous / 200) {
				return used;
			}
			previous = used;
		}
		return previous;
	}

	private static RedisServer server(String version) {
		return version.equals("6.2") ? redis6.server() : redis.server();
	}

	/** One check, which must answer within the call bound whatever Redis is doing. */
	private static Decision.Source timedCheck(RateLimiter limiter) {
		long start = System.nanoTime();
		Decision decision = limiter.tryAcquire("api", "k");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_BOUND);
		return decision.source();
	}

}
