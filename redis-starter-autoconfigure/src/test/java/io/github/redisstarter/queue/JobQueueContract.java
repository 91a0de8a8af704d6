package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.queue.JobEvent.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link JobQueue} promises, run against the Redis side and the in-memory twin
 * alike. Instances made within one test share their jobs, as app instances on one Redis
 * do.
 */
abstract class JobQueueContract {

	static final Duration WAIT = Duration.ofSeconds(10);

	static final QueueSettings FAST = new QueueSettings(Duration.ofMillis(50), Duration.ofMillis(600),
			Duration.ofMillis(500));

	static final JsonMapper JSON = JsonMapper.builder().build();

	protected final List<JobEvent> events = new CopyOnWriteArrayList<>();

	private final List<ManagedJobQueue> instances = new ArrayList<>();

	/**
	 * A new app instance sharing the jobs of every other instance this test made.
	 */
	protected abstract ManagedJobQueue instance(Collection<QueueDefinition> definitions, JobListener listener,
			QueueSettings settings);

	/** The store the instances share, to act as a worker that stops (a killed JVM). */
	protected abstract JobStore sharedStore();

	protected ManagedJobQueue queue(QueueDefinition... definitions) {
		return queue(FAST, definitions);
	}

	protected ManagedJobQueue queue(QueueSettings settings, QueueDefinition... definitions) {
		ManagedJobQueue queue = instance(List.of(definitions), this.events::add, settings);
		this.instances.add(queue);
		return queue;
	}

	@AfterEach
	void closeInstances() {
		this.instances.forEach(ManagedJobQueue::close);
	}

	record Upload(String file, int size) {
	}

	static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not now");
		}

	}

	record Digest(String file, String hash) {
	}

	static QueueHandler handler(String queue, Handler body) {
		return new QueueHandler() {

			@Override
			public String queue() {
				return queue;
			}

			@Override
			public Object handle(JobContext job) throws Exception {
				return body.handle(job);
			}

		};
	}

	@FunctionalInterface
	interface Handler {

		Object handle(JobContext job) throws Exception;

	}

	private Job awaitState(JobQueue queue, String name, String id, JobState state) {
		await().atMost(WAIT).until(() -> queue.job(name, id).map(Job::state).orElse(null) == state);
		return queue.job(name, id).orElseThrow();
	}

	@Test
	void anAddedJobRunsOnceAndKeepsItsResult() {
		ManagedJobQueue queue = queue(QueueDefinition.of("media"));
		AtomicInteger runs = new AtomicInteger();
		queue.handle(handler("media", (job) -> {
			runs.incrementAndGet();
			Upload upload = job.payload(Upload.class);
			return new Digest(upload.file(), "h" + upload.size());
		}));
		String id = queue.add("media", "thumbnail", new Upload("a.png", 3));
		Job done = awaitState(queue, "media", id, JobState.COMPLETED);
		assertThat(JSON.readValue(done.result(), Digest.class)).isEqualTo(new Digest("a.png", "h3"));
		assertThat(done.name()).isEqualTo("thumbnail");
		assertThat(JSON.readValue(done.payload(), Upload.class)).isEqualTo(new Upload("a.png", 3));
		assertThat(done.attempts()).isEqualTo(1);
		assertThat(done.finishedAt()).isNotNull();
		assertThat(runs).hasValue(1);
		assertThat(queue.counts("media")).isEqualTo(new QueueCounts(0, 0, 0, 1, 0, false));
		await().atMost(WAIT).until(() -> types(id).contains(Type.COMPLETED));
		assertThat(types(id)).containsExactly(Type.ADDED, Type.ACTIVE, Type.COMPLETED);
	}

	private List<Type> types(String id) {
		return this.events.stream().filter((event) -> event.jobId().equals(id)).map(JobEvent::type).toList();
	}

	@Test
	void aFailedAttemptIsRetriedAfterItsBackoffUntilItSucceeds() {
		ManagedJobQueue queue = queue(QueueDefinition.of("sync"));
		List<Long> starts = new CopyOnWriteArrayList<>();
		queue.handle(handler("sync", (job) -> {
			starts.add(System.nanoTime());
			if (job.attempt() < 3) {
				throw new IllegalStateException("remote down, attempt " + job.attempt());
			}
			return "ok";
		}));
		String id = queue.add("sync", "pull", null,
				JobOptions.DEFAULTS.withAttempts(3).withBackoff(Backoff.fixed(Duration.ofMillis(300))));
		Job done = awaitState(queue, "sync", id, JobState.COMPLETED);
		assertThat(done.attempts()).isEqualTo(3);
		assertThat(done.result()).isEqualTo("\"ok\"");
		assertThat(starts).hasSize(3);
		for (int i = 1; i < 3; i++) {
			assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
				.isGreaterThanOrEqualTo(Duration.ofMillis(250));
		}
		assertThat(this.events.stream().filter((e) -> e.type() == Type.RETRYING).map(JobEvent::detail)).containsExactly(
				"java.lang.IllegalStateException: remote down, attempt 1",
				"java.lang.IllegalStateException: remote down, attempt 2");
	}

	@Test
	void aJobOutOfAttemptsIsADeadLetterThatCanBeRetriedAndPurged() {
		ManagedJobQueue queue = queue(QueueDefinition.of("notify"));
		AtomicInteger runs = new AtomicInteger();
		queue.handle(handler("notify", (job) -> {
			if (runs.incrementAndGet() <= 2) {
				throw new IllegalStateException("smtp refused");
			}
			return null;
		}));
		String id = queue.add("notify", "mail", "to@example.com", JobOptions.DEFAULTS.withAttempts(2));
		Job dead = awaitState(queue, "notify", id, JobState.FAILED);
		assertThat(dead.attempts()).isEqualTo(2);
		assertThat(dead.error()).isEqualTo("java.lang.IllegalStateException: smtp refused");
		assertThat(queue.deadLetters("notify", 10)).extracting(Job::id).containsExactly(id);
		assertThat(queue.counts("notify").failed()).isEqualTo(1);
		assertThat(queue.retry("notify", id)).isTrue();
		Job done = awaitState(queue, "notify", id, JobState.COMPLETED);
		assertThat(done.attempts()).isEqualTo(1);
		assertThat(done.result()).isNull();
		assertThat(queue.deadLetters("notify", 10)).isEmpty();
		assertThat(queue.retry("notify", id)).isFalse();
		// Before the adds: a worker may run a job before add returns.
		runs.set(-10);
		String other = queue.add("notify", "mail", "x", JobOptions.DEFAULTS.withAttempts(1));
		String third = queue.add("notify", "mail", "y", JobOptions.DEFAULTS.withAttempts(1));
		awaitState(queue, "notify", other, JobState.FAILED);
		awaitState(queue, "notify", third, JobState.FAILED);
		assertThat(queue.deadLetters("notify", 1)).hasSize(1);
		assertThat(queue.purgeDeadLetters("notify")).isEqualTo(2);
		assertThat(queue.deadLetters("notify", 10)).isEmpty();
		assertThat(queue.job("notify", other)).isEmpty();
	}

	@Test
	void aDelayedJobWaitsForItsTime() {
		ManagedJobQueue queue = queue(QueueDefinition.of("later"));
		List<Long> started = new CopyOnWriteArrayList<>();
		queue.handle(handler("later", (job) -> started.add(System.nanoTime())));
		long added = System.nanoTime();
		String id = queue.add("later", "remind", null, JobOptions.DEFAULTS.withDelay(Duration.ofMillis(700)));
		Job delayed = queue.job("later", id).orElseThrow();
		assertThat(delayed.state()).isEqualTo(JobState.DELAYED);
		assertThat(delayed.runAt()).isAfter(delayed.createdAt().plusMillis(600));
		assertThat(queue.counts("later").delayed()).isEqualTo(1);
		awaitState(queue, "later", id, JobState.COMPLETED);
		assertThat(Duration.ofNanos(started.get(0) - added)).isGreaterThanOrEqualTo(Duration.ofMillis(650));
	}

	@Test
	void readyJobsOfAHigherPriorityRunFirst() {
		ManagedJobQueue queue = queue(QueueDefinition.of("mixed"));
		queue.pause("mixed");
		List<String> order = new CopyOnWriteArrayList<>();
		queue.handle(handler("mixed", (job) -> order.add(job.payload(String.class))));
		queue.add("mixed", "job", "low-1");
		queue.add("mixed", "job", "high", JobOptions.DEFAULTS.withPriority(7));
		queue.add("mixed", "job", "low-2");
		queue.add("mixed", "job", "middle", JobOptions.DEFAULTS.withPriority(3));
		assertThat(queue.counts("mixed")).isEqualTo(new QueueCounts(4, 0, 0, 0, 0, true));
		queue.resume("mixed");
		await().atMost(WAIT).until(() -> order.size() == 4);
		assertThat(order).containsExactly("high", "middle", "low-1", "low-2");
	}

	@Test
	void aSecondAddWithTheSameIdReturnsTheFirstJob() {
		ManagedJobQueue queue = queue(QueueDefinition.of("once"));
		queue.pause("once");
		String first = queue.add("once", "charge", "order-1", JobOptions.DEFAULTS.withId("order-1"));
		String second = queue.add("once", "charge", "order-1 again", JobOptions.DEFAULTS.withId("order-1"));
		assertThat(first).isEqualTo("order-1").isEqualTo(second);
		assertThat(queue.counts("once").waiting()).isEqualTo(1);
		assertThat(queue.job("once", "order-1").orElseThrow().payload()).isEqualTo("\"order-1\"");
		assertThat(types("order-1")).containsExactly(Type.ADDED);
		List<String> bulk = queue.addAll("once",
				List.of(new JobQueue.NewJob("charge", "a"),
						new JobQueue.NewJob("charge", "b", JobOptions.DEFAULTS.withId("order-1")),
						new JobQueue.NewJob("charge", "c")));
		assertThat(bulk).hasSize(3).doesNotHaveDuplicates();
		assertThat(bulk.get(1)).isEqualTo("order-1");
		assertThat(queue.counts("once").waiting()).isEqualTo(3);
	}

	@Test
	void retentionKeepsTheNewestFinishedJobsByCountAndByAge() {
		ManagedJobQueue queue = queue(
				new QueueDefinition("kept", 2, JobOptions.DEFAULTS.withKeepCompleted(3).withKeepFailed(2)));
		queue.handle(handler("kept", (job) -> {
			if (job.payload(Integer.class) < 0) {
				throw new IllegalStateException("no");
			}
			return null;
		}));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(queue.add("kept", "n", i));
			ids.add(queue.add("kept", "n", -1 - i));
		}
		await().atMost(WAIT).until(() -> {
			QueueCounts counts = queue.counts("kept");
			return counts.waiting() + counts.active() + counts.delayed() == 0;
		});
		QueueCounts counts = queue.counts("kept");
		assertThat(counts.completed()).isEqualTo(3);
		assertThat(counts.failed()).isEqualTo(2);
		long kept = ids.stream().filter((id) -> queue.job("kept", id).isPresent()).count();
		assertThat(kept).isEqualTo(5);
		// By age: a job kept 300ms at most is gone once a later one finishes after that.
		JobOptions briefly = JobOptions.DEFAULTS.withKeepFor(Duration.ofMillis(300)).withKeepCompleted(100);
		String old = queue.add("kept", "n", 1, briefly);
		awaitState(queue, "kept", old, JobState.COMPLETED);
		await().pollDelay(Duration.ofMillis(400)).atMost(WAIT).until(() -> true);
		String fresh = queue.add("kept", "n", 2, briefly);
		awaitState(queue, "kept", fresh, JobState.COMPLETED);
		assertThat(queue.job("kept", old)).isEmpty();
		assertThat(queue.counts("kept").completed()).isEqualTo(1);
	}

	@Test
	void aPausedQueueStartsNothingUntilResumed() throws InterruptedException {
		ManagedJobQueue one = queue(QueueDefinition.of("paused"));
		ManagedJobQueue other = queue(QueueDefinition.of("paused"));
		AtomicInteger runs = new AtomicInteger();
		other.handle(handler("paused", (job) -> runs.incrementAndGet()));
		one.pause("paused");
		String id = one.add("paused", "x", null);
		Thread.sleep(400);
		assertThat(runs).hasValue(0);
		assertThat(other.counts("paused").paused()).isTrue();
		one.resume("paused");
		awaitState(one, "paused", id, JobState.COMPLETED);
		assertThat(runs).hasValue(1);
	}

	@Test
	void aCancelledJobIsNotRunOrRetried() {
		ManagedJobQueue queue = queue(QueueDefinition.of("cancel"));
		CountDownLatch running = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		queue.handle(handler("cancel", (job) -> {
			runs.incrementAndGet();
			running.countDown();
			while (!job.isCancelled()) {
				Thread.sleep(10);
			}
			throw new InterruptedException("stopped");
		}));
		String waiting = queue.add("cancel", "x", null, JobOptions.DEFAULTS.withDelay(Duration.ofMinutes(1)));
		assertThat(queue.cancel("cancel", waiting)).isTrue();
		assertThat(queue.job("cancel", waiting).orElseThrow().error()).isEqualTo("cancelled");
		String active = queue.add("cancel", "y", null, JobOptions.DEFAULTS.withAttempts(3));
		await().atMost(WAIT).until(() -> running.getCount() == 0);
		assertThat(queue.job("cancel", active).orElseThrow().state()).isEqualTo(JobState.ACTIVE);
		assertThat(queue.cancel("cancel", active)).isTrue();
		Job cancelled = awaitState(queue, "cancel", active, JobState.FAILED);
		assertThat(cancelled.error()).isEqualTo("cancelled");
		assertThat(cancelled.attempts()).isEqualTo(1);
		assertThat(runs).hasValue(1);
		assertThat(queue.cancel("cancel", active)).isFalse();
		assertThat(queue.cancel("cancel", "no-such-job")).isFalse();
	}

	@Test
	void anActiveJobIsFlaggedOnItsInstanceWhenAnotherInstanceCancelsIt() {
		ManagedJobQueue worker = queue(QueueDefinition.of("far"));
		ManagedJobQueue other = queue(QueueDefinition.of("far"));
		CountDownLatch running = new CountDownLatch(1);
		worker.handle(handler("far", (job) -> {
			running.countDown();
			while (!job.isCancelled()) {
				Thread.sleep(10);
			}
			return "stopped early";
		}));
		String id = other.add("far", "long", null);
		await().atMost(WAIT).until(() -> running.getCount() == 0);
		assertThat(other.cancel("far", id)).isTrue();
		// seen within a lease renewal (200ms here); the handler chose to complete it
		Job done = awaitState(other, "far", id, JobState.COMPLETED);
		assertThat(done.result()).isEqualTo("\"stopped early\"");
	}

	@Test
	void aThrottleStartsJobsOnlyWithAPermit() throws InterruptedException {
		ManagedJobQueue queue = queue(new QueueDefinition("paced", 4, JobOptions.DEFAULTS));
		java.util.concurrent.atomic.AtomicInteger permits = new java.util.concurrent.atomic.AtomicInteger(2);
		AtomicInteger runs = new AtomicInteger();
		queue.handle(handler("paced", (job) -> runs.incrementAndGet()),
				(name) -> (permits.getAndUpdate((p) -> Math.max(0, p - 1)) > 0) ? Duration.ZERO
						: Duration.ofMillis(50));
		for (int i = 0; i < 5; i++) {
			queue.add("paced", "x", i);
		}
		await().atMost(WAIT).until(() -> runs.get() == 2);
		Thread.sleep(400);
		assertThat(runs).hasValue(2);
		// Taken by workers that wait for a permit, or still waiting for a worker.
		QueueCounts counts = queue.counts("paced");
		assertThat(counts.waiting() + counts.active()).isEqualTo(3);
		permits.set(3);
		await().atMost(WAIT).until(() -> runs.get() == 5);
	}

	@Test
	void progressIsSeenWhileTheJobRuns() {
		ManagedJobQueue queue = queue(QueueDefinition.of("progress"));
		CountDownLatch reported = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		queue.handle(handler("progress", (job) -> {
			job.progress(40);
			reported.countDown();
			finish.await(10, TimeUnit.SECONDS);
			return null;
		}));
		String id = queue.add("progress", "x", null);
		await().atMost(WAIT).until(() -> reported.getCount() == 0);
		assertThat(queue.job("progress", id).orElseThrow().progress()).isEqualTo(40);
		assertThat(queue.counts("progress").active()).isEqualTo(1);
		finish.countDown();
		awaitState(queue, "progress", id, JobState.COMPLETED);
		assertThat(this.events).anyMatch((e) -> e.type() == Type.PROGRESS && "40".equals(e.detail()));
	}

	@Test
	void onShutdownRunningJobsFinishWithinTheBoundOrGoBackToTheQueue() {
		ManagedJobQueue stopping = queue(new QueueDefinition("shut", 2, JobOptions.DEFAULTS));
		CountDownLatch bothRunning = new CountDownLatch(2);
		stopping.handle(handler("shut", (job) -> {
			bothRunning.countDown();
			Thread.sleep("quick".equals(job.name()) ? 200 : 60_000);
			return "done by the stopping instance";
		}));
		String quick = stopping.add("shut", "quick", null);
		String slow = stopping.add("shut", "slow", null);
		await().atMost(WAIT).until(() -> bothRunning.getCount() == 0);
		stopping.close();
		Job quickJob = stopping.job("shut", quick).orElseThrow();
		assertThat(quickJob.state()).isEqualTo(JobState.COMPLETED);
		Job slowJob = stopping.job("shut", slow).orElseThrow();
		assertThat(slowJob.state()).isEqualTo(JobState.WAITING);
		assertThat(slowJob.attempts()).isZero();
		ManagedJobQueue next = queue(QueueDefinition.of("shut"));
		next.handle(handler("shut", (job) -> "done by the next instance"));
		Job done = awaitState(next, "shut", slow, JobState.COMPLETED);
		assertThat(done.result()).isEqualTo("\"done by the next instance\"");
		assertThat(done.attempts()).isEqualTo(1);
	}

	@Test
	void aHandlerThatIgnoresTheInterruptHasItsJobSentBackAllTheSame() {
		ManagedJobQueue stopping = queue(QueueDefinition.of("stubborn"));
		CountDownLatch running = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		stopping.handle(handler("stubborn", (job) -> {
			if (runs.incrementAndGet() > 1) {
				return null;
			}
			running.countDown();
			long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (System.nanoTime() < until) {
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					// ignored, as a careless handler does
				}
			}
			return null;
		}));
		String id = stopping.add("stubborn", "x", null);
		await().atMost(WAIT).until(() -> running.getCount() == 0);
		stopping.close();
		Job job = stopping.job("stubborn", id).orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.WAITING);
		assertThat(job.attempts()).isZero();
	}

	@Test
	void aJobCancelledWhileItRunsIsNotSentBackAtShutdown() {
		ManagedJobQueue stopping = queue(QueueDefinition.of("shutcancel"));
		CountDownLatch running = new CountDownLatch(1);
		stopping.handle(handler("shutcancel", (job) -> {
			running.countDown();
			Thread.sleep(60_000);
			return null;
		}));
		String id = stopping.add("shutcancel", "x", null, JobOptions.DEFAULTS.withAttempts(3));
		await().atMost(WAIT).until(() -> running.getCount() == 0);
		assertThat(stopping.cancel("shutcancel", id)).isTrue();
		stopping.close();
		Job job = stopping.job("shutcancel", id).orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.FAILED);
		assertThat(job.error()).isEqualTo("cancelled");
	}

	@Test
	void aJobWhoseWorkerStoppedIsRunAgainAfterTheVisibilityTimeout() {
		ManagedJobQueue queue = queue(QueueDefinition.of("lost"));
		String retried = queue.add("lost", "x", null, JobOptions.DEFAULTS.withAttempts(2));
		String lastTry = queue.add("lost", "y", null, JobOptions.DEFAULTS.withAttempts(1));
		// A worker takes both and stops: never renews, never ends them.
		JobStore.Claim ghost = sharedStore().claim("lost", "ghost", 2, FAST.visibilityTimeout(), List.of());
		assertThat(ghost.jobs()).hasSize(2);
		AtomicInteger runs = new AtomicInteger();
		long handled = System.nanoTime();
		queue.handle(handler("lost", (job) -> {
			runs.incrementAndGet();
			return null;
		}));
		Job done = awaitState(queue, "lost", retried, JobState.COMPLETED);
		assertThat(Duration.ofNanos(System.nanoTime() - handled)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
		assertThat(done.attempts()).isEqualTo(2);
		Job failed = awaitState(queue, "lost", lastTry, JobState.FAILED);
		assertThat(failed.error()).isEqualTo(JobStore.lostReason(FAST.visibilityTimeout()));
		assertThat(runs).hasValue(1);
		// The stopped worker's late outcome is dropped.
		assertThat(sharedStore().finish(ghost.jobs().get(0), "ghost", JobStore.Outcome.completed("\"late\"")))
			.isFalse();
		assertThat(queue.job("lost", retried).orElseThrow().result()).isNull();
	}

	@Test
	void aRunningJobKeepsItsLeaseLongerThanTheVisibilityTimeout() {
		ManagedJobQueue one = queue(QueueDefinition.of("long"));
		ManagedJobQueue other = queue(QueueDefinition.of("long"));
		AtomicInteger runs = new AtomicInteger();
		QueueHandler slow = handler("long", (job) -> {
			runs.incrementAndGet();
			Thread.sleep(3 * FAST.visibilityTimeout().toMillis());
			return null;
		});
		one.handle(slow);
		other.handle(slow);
		String id = one.add("long", "x", null, JobOptions.DEFAULTS.withAttempts(3));
		awaitState(one, "long", id, JobState.COMPLETED);
		assertThat(runs).hasValue(1);
	}

	@Test
	void aRepeatableJobRunsOncePerTickAcrossInstances() throws InterruptedException {
		Map<String, Integer> runs = new ConcurrentHashMap<>();
		RepeatableJob sync = new RepeatableJob("nightly", "sync", "sync", "all",
				Schedule.every(Duration.ofMillis(250)));
		for (int i = 0; i < 3; i++) {
			// Nothing kept once done: the tick marker alone keeps a tick to one job.
			ManagedJobQueue instance = queue(
					QueueDefinition.of("sync").withDefaults(JobOptions.DEFAULTS.withKeepCompleted(0)));
			instance.handle(handler("sync", (job) -> runs.merge(job.id(), 1, Integer::sum)));
			instance.repeat(sync);
		}
		Thread.sleep(1600);
		this.instances.forEach(ManagedJobQueue::close);
		assertThat(runs.values()).allMatch((count) -> count == 1);
		List<Long> ticks = runs.keySet()
			.stream()
			.map((id) -> Long.parseLong(id.substring("nightly@".length())))
			.sorted()
			.toList();
		assertThat(ticks).hasSizeBetween(4, 7);
		for (int i = 1; i < ticks.size(); i++) {
			assertThat(ticks.get(i) - ticks.get(i - 1)).isEqualTo(250);
		}
	}

	@Test
	void badArgumentsAreRefusedWithTheirName() {
		ManagedJobQueue queue = queue();
		assertThatIllegalArgumentException().isThrownBy(() -> queue.add("has{brace}", "x", null))
			.withMessageContaining("'queue' must be " + QueueDefinition.NAME_FORM);
		assertThatIllegalArgumentException().isThrownBy(() -> JobOptions.DEFAULTS.withAttempts(0))
			.withMessageContaining("'attempts' must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> JobOptions.DEFAULTS.withPriority(10))
			.withMessageContaining("'priority' must be 0 to 9");
		assertThatIllegalArgumentException().isThrownBy(() -> queue.add("q", "", null)).withMessageContaining("'name'");
		assertThatIllegalArgumentException().isThrownBy(() -> queue.add("q", "x", new Unwritable()))
			.withMessageContaining("'payload' could not be written as JSON");
		assertThat(queue.counts("q")).isEqualTo(new QueueCounts(0, 0, 0, 0, 0, false));
		queue.handle(handler("q", (job) -> null));
		assertThatIllegalArgumentException().isThrownBy(() -> queue.handle(handler("q", (job) -> null)))
			.withMessage("'handler' of queue 'q' is the second one: a queue has one handler per instance");
	}

}
