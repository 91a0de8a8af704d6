package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Near copies and the loads that make them never outlive an eviction or a clear that
 * overtook them, however the threads interleave, and a stuck load holds nobody up for
 * longer than the wait.
 */
class NearLoadsTests {

	private static final Duration KEEP = Duration.ofMinutes(1);

	private final NearLoads<String> near = new NearLoads<>(100,
			com.github.benmanes.caffeine.cache.stats.StatsCounter.disabledStatsCounter());

	@Test
	void callersOfAColdIdShareOneLoadAndItsCopyIsKept() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Optional<String>> first = CompletableFuture
			.supplyAsync(() -> this.near.load("admin", true, KEEP, (id) -> {
				loads.incrementAndGet();
				await(release);
				return new NearLoads.Loaded<>(Optional.of("v1"), KEEP);
			}));
		awaitLoads(loads, 1);
		AtomicInteger secondAnswer = new AtomicInteger();
		Thread second = new Thread(() -> {
			Optional<String> answer = this.near.load("admin", true, KEEP, (id) -> {
				loads.incrementAndGet();
				return new NearLoads.Loaded<>(Optional.of("v2"), KEEP);
			});
			secondAnswer.set(answer.equals(Optional.of("v1")) ? 1 : 2);
		});
		second.start();
		// The second caller is waiting for the first one's load before that ends.
		awaitWaiting(second);
		release.countDown();
		assertThat(first.get(5, TimeUnit.SECONDS)).contains("v1");
		second.join(5000);
		assertThat(secondAnswer).hasValue(1);
		assertThat(loads).hasValue(1);
		assertThat(this.near.get("admin")).contains("v1");
	}

	@Test
	void aFailedLoadReachesEveryWaitingCallerAndCaffeineLogsNothing() throws Exception {
		java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
		java.util.List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.logging.Handler handler = new java.util.logging.Handler() {

			@Override
			public void publish(java.util.logging.LogRecord record) {
				if (record.getLoggerName() != null && record.getLoggerName().startsWith("com.github.benmanes")) {
					logged.add(record);
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		root.addHandler(handler);
		try {
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger loads = new AtomicInteger();
			CompletableFuture<Optional<String>> leader = CompletableFuture
				.supplyAsync(() -> this.near.load("admin", true, KEEP, (id) -> {
					loads.incrementAndGet();
					await(release);
					throw new IllegalStateException("database down");
				}));
			awaitLoads(loads, 1);
			CompletableFuture<Throwable> waiter = new CompletableFuture<>();
			Thread second = new Thread(() -> {
				try {
					this.near.load("admin", true, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("v2"), KEEP));
					waiter.complete(null);
				}
				catch (RuntimeException ex) {
					waiter.complete(ex);
				}
			});
			second.start();
			awaitWaiting(second);
			release.countDown();
			assertThat(waiter.get(5, TimeUnit.SECONDS)).hasMessage("database down");
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> leader.get(5, TimeUnit.SECONDS))
				.hasRootCauseMessage("database down");
			assertThat(this.near.get("admin")).isNull();
			assertThat(logged).isEmpty();
		}
		finally {
			root.removeHandler(handler);
		}
	}

	@Test
	void anEvictionWhileALoadRunsLeavesItsResultToItsCallersOnlyAndNobodyJoinsIt() throws Exception {
		overtaken(() -> this.near.invalidate("admin"));
	}

	@Test
	void aClearWhileALoadRunsLeavesItsResultToItsCallersOnlyAndNobodyJoinsIt() throws Exception {
		overtaken(this.near::clear);
	}

	@Test
	void aLoadThatMayNotBeKeptAnswersItsCallersAndKeepsNothing() {
		assertThat(this.near.load("admin", true, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("v1"), null)))
			.contains("v1");
		assertThat(this.near.get("admin")).isNull();
		assertThat(this.near.load("admin", true, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("v2"), KEEP)))
			.contains("v2");
		assertThat(this.near.get("admin")).contains("v2");
	}

	@Test
	void aCallerThatMayNotJoinLoadsAloneAndKeepsNothing() {
		this.near.load("admin", true, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("kept"), KEEP));
		assertThat(this.near.load("admin", false, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("alone"), KEEP)))
			.contains("alone");
		assertThat(this.near.get("admin")).contains("kept");
	}

	@Test
	void aStuckLoadIsWaitedForOnlyUntilTheWaitAndTheStragglersResultReplacesIt() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<Optional<String>> leader = CompletableFuture
			.supplyAsync(() -> this.near.load("admin", true, KEEP, (id) -> {
				loads.incrementAndGet();
				await(stuck);
				return new NearLoads.Loaded<>(Optional.of("late"), KEEP);
			}));
		awaitLoads(loads, 1);
		long start = System.nanoTime();
		assertThat(this.near.load("admin", true, Duration.ofMillis(100),
				(id) -> new NearLoads.Loaded<>(Optional.of("straggler"), KEEP)))
			.contains("straggler");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.near.get("admin")).contains("straggler");
		stuck.countDown();
		assertThat(leader.get(5, TimeUnit.SECONDS)).contains("late");
		// The stuck load ended after it was replaced: its result is not kept.
		assertThat(this.near.get("admin")).contains("straggler");
	}

	@Test
	void aFailedLoadIsNotKeptAndTheNextCallerLoadsAgain() {
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> this.near.load("admin", true, KEEP, (id) -> {
				throw new IllegalStateException("database down");
			}));
		assertThat(this.near.get("admin")).isNull();
		assertThat(this.near.load("admin", true, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("v1"), KEEP)))
			.contains("v1");
	}

	/** A load reads the old value, {@code overtake} runs, then the load ends. */
	private void overtaken(Runnable overtake) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<Optional<String>> early = CompletableFuture
			.supplyAsync(() -> this.near.load("admin", true, KEEP, (id) -> {
				loads.incrementAndGet();
				await(release);
				return new NearLoads.Loaded<>(Optional.of("old"), KEEP);
			}));
		awaitLoads(loads, 1);
		overtake.run();
		// A caller after the eviction loads anew rather than take what the early load
		// finds.
		assertThat(this.near.load("admin", true, KEEP, (id) -> new NearLoads.Loaded<>(Optional.of("new"), KEEP)))
			.contains("new");
		release.countDown();
		assertThat(early.get(5, TimeUnit.SECONDS)).contains("old");
		assertThat(this.near.get("admin")).contains("new");
	}

	private static void awaitLoads(AtomicInteger loads, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (loads.get() < count && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(loads.get()).isGreaterThanOrEqualTo(count);
	}

	/** Waits until the thread is blocked, waiting for another caller's load. */
	private static void awaitWaiting(Thread thread) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING
				&& System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(thread.getState()).isIn(Thread.State.TIMED_WAITING, Thread.State.WAITING);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
