package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstarter.connection.internal.DaemonThreads;
import io.github.redisstarter.queue.JobStore.ClaimedJob;
import io.github.redisstarter.queue.JobStore.Outcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs one queue's jobs on this instance: one loop thread that claims as many jobs as
 * there are free workers and renews the leases of running ones, and {@code concurrency}
 * threads that run the handler and end each job in the store, taking the next job in the
 * same call (so a busy worker costs one round trip per job). The loop waits for a free
 * worker, a local add, the next delayed job or the poll interval; while the store is away
 * ({@link QueueUnavailableException}) it claims nothing, and running jobs keep their
 * outcome until the store takes it.
 */
final class QueueWorker implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(QueueWorker.class);

	private final QueueDefinition definition;

	private final QueueHandler handler;

	private final @Nullable JobThrottle throttle;

	private final JobStore store;

	private final DefaultJobQueue queue;

	private final QueueSettings settings;

	private final String consumer;

	private final ExecutorService handlers;

	private final Thread loop;

	private final Map<String, RunningJob> running = new ConcurrentHashMap<>();

	/**
	 * Held by every call that claims: a claim takes back the jobs given to this consumer
	 * that it does not run, so two claims must not overlap (each would take the other's).
	 */
	private final ReentrantLock claiming = new ReentrantLock();

	private final Object signal = new Object();

	private boolean woken;

	private volatile boolean stopping;

	private long lastRenewal = System.nanoTime();

	QueueWorker(QueueDefinition definition, QueueHandler handler, @Nullable JobThrottle throttle, JobStore store,
			DefaultJobQueue queue, QueueSettings settings, String consumer) {
		this.definition = definition;
		this.handler = handler;
		this.throttle = throttle;
		this.store = store;
		this.queue = queue;
		this.settings = settings;
		this.consumer = consumer;
		this.handlers = Executors.newFixedThreadPool(definition.concurrency(),
				DaemonThreads.named("queue-" + definition.name()));
		this.loop = DaemonThreads.named("queue-" + definition.name() + "-loop").newThread(this::loop);
	}

	void start() {
		this.loop.start();
	}

	String queueName() {
		return this.definition.name();
	}

	/** Wakes the loop: a job may be ready, or a worker free. */
	void wake() {
		synchronized (this.signal) {
			this.woken = true;
			this.signal.notifyAll();
		}
	}

	/** Tells the handler of a job running here that it was cancelled. */
	void cancelled(String id) {
		RunningJob job = this.running.get(id);
		if (job != null) {
			job.context.cancel();
		}
	}

	private void loop() {
		while (!this.stopping) {
			long waitMillis = this.settings.pollInterval().toMillis();
			try {
				endStoredOutcomes();
				renewIfDue();
				this.claiming.lock();
				try {
					int free = this.definition.concurrency() - this.running.size();
					if (free > 0 && !this.stopping) {
						JobStore.Claim claim = this.store.claim(queueName(), this.consumer, free,
								this.settings.visibilityTimeout(), runningJobs());
						claim.lost().forEach((id) -> this.queue.lost(queueName(), id));
						claim.jobs().forEach(this::start);
						if (claim.jobs().size() == free) {
							waitMillis = 0;
						}
						else if (claim.nextDueMillis() >= 0) {
							waitMillis = Math.min(waitMillis, claim.nextDueMillis());
						}
					}
				}
				finally {
					this.claiming.unlock();
				}
			}
			catch (QueueUnavailableException ex) {
				// Redis is away: the backend's switch line says so; back when it is.
			}
			catch (RuntimeException ex) {
				logger.warn("The worker of queue '" + queueName() + "' could not reach its jobs: " + ex.getMessage());
			}
			if (!this.running.isEmpty()) {
				// Leases are renewed here: never wait past a renewal.
				waitMillis = Math.min(waitMillis, this.settings.renewInterval().toMillis());
			}
			await(waitMillis);
		}
	}

	private void await(long millis) {
		if (millis <= 0) {
			return;
		}
		synchronized (this.signal) {
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
			try {
				while (!this.woken && !this.stopping) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						break;
					}
					TimeUnit.NANOSECONDS.timedWait(this.signal, left);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.stopping = true;
			}
			this.woken = false;
		}
	}

	private void start(ClaimedJob job) {
		RunningJob running = track(job);
		try {
			this.handlers.execute(() -> run(running));
		}
		catch (RuntimeException ex) {
			// stopping: the job goes back to the queue
			end(running, Outcome.released(), false);
		}
	}

	/**
	 * Counts the job as running here, which keeps the loop from claiming for its worker.
	 */
	private RunningJob track(ClaimedJob job) {
		RunningJob running = new RunningJob(job, new JobContextImpl(job, this.store, this.consumer, this.queue));
		this.running.put(job.id(), running);
		return running;
	}

	/**
	 * Runs the job, then, while the end of each takes another (one call to the store for
	 * both), the next ones on this thread: a busy worker does not wait for the loop.
	 */
	private void run(RunningJob first) {
		RunningJob running = first;
		while (running != null) {
			running = end(running, attempt(running), !this.stopping);
		}
	}

	private Outcome attempt(RunningJob running) {
		ClaimedJob job = running.job;
		if (!awaitPermit()) {
			return Outcome.released();
		}
		this.queue.event(JobEvent.Type.ACTIVE, job, null);
		long started = System.nanoTime();
		Outcome outcome;
		try {
			Object result = this.handler.handle(running.context);
			outcome = Outcome.completed((result != null) ? this.queue.json(result) : null);
		}
		catch (Throwable ex) {
			String error = describe(ex);
			if (this.stopping && (ex instanceof InterruptedException || Thread.interrupted())) {
				// Interrupted by the shutdown: not a failed attempt, back to the queue.
				outcome = Outcome.released();
			}
			else if (running.context.isCancelled()) {
				outcome = Outcome.failed(JobStore.CANCELLED);
			}
			else if (job.attempt() < job.maxAttempts()) {
				outcome = Outcome.retry(job.backoff().delayAfter(job.attempt()), error);
			}
			else {
				outcome = Outcome.failed(error);
			}
		}
		running.nanos = System.nanoTime() - started;
		return outcome;
	}

	/**
	 * Ends the job in the store; when the store is away, keeps the outcome (and the job's
	 * worker) until it is back. With {@code claimNext}, takes the job the freed worker
	 * runs next in the same call.
	 * @return that job, already counted as running, or {@code null}
	 */
	private @Nullable RunningJob end(RunningJob running, Outcome outcome, boolean claimNext) {
		running.outcome = outcome;
		// The loop retries kept outcomes: never two ends of one attempt at once, nor one
		// after it ended (a second finish would cost a round trip to be dropped).
		if (!running.ending.compareAndSet(false, true)) {
			return null;
		}
		RunningJob next = null;
		try {
			if (this.running.get(running.job.id()) != running) {
				return null;
			}
			JobStore.Finished finished;
			if (claimNext) {
				this.claiming.lock();
				try {
					finished = this.store.finishAndClaim(running.job, this.consumer, outcome, 1,
							this.settings.visibilityTimeout(), runningJobs());
					finished.next().lost().forEach((id) -> this.queue.lost(queueName(), id));
					for (ClaimedJob job : finished.next().jobs()) {
						// Counted before the ended one is dropped, so that the loop never
						// sees its worker free.
						next = track(job);
					}
				}
				finally {
					this.claiming.unlock();
				}
			}
			else {
				finished = this.store.finishAndClaim(running.job, this.consumer, outcome, 0,
						this.settings.visibilityTimeout(), List.of());
			}
			this.running.remove(running.job.id(), running);
			if (finished.ended()) {
				this.queue.ended(running.job, outcome, running.nanos);
			}
		}
		catch (RuntimeException ex) {
			// kept: the loop tries again
		}
		finally {
			running.ending.set(false);
		}
		if (next == null) {
			wake();
		}
		return next;
	}

	/**
	 * Waits for the throttle's permit to start a job, if the queue has a throttle: the
	 * job stays this worker's meanwhile (its lease renewed), so no permit is taken for a
	 * job that is not there.
	 * @return {@code false} when the worker stopped meanwhile
	 */
	private boolean awaitPermit() {
		if (this.throttle == null) {
			return true;
		}
		while (!this.stopping) {
			Duration wait;
			try {
				wait = this.throttle.acquire(queueName());
			}
			catch (RuntimeException ex) {
				logger.warn("The rate limit of queue '" + queueName() + "' could not be checked: " + ex.getMessage());
				wait = this.settings.pollInterval();
			}
			if (wait.isZero() || wait.isNegative()) {
				return true;
			}
			try {
				Thread.sleep(Math.max(1, wait.toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	/**
	 * The jobs this worker runs, for a claim: the store takes back any others it gave.
	 */
	private List<ClaimedJob> runningJobs() {
		List<ClaimedJob> jobs = new ArrayList<>(this.running.size());
		this.running.values().forEach((running) -> jobs.add(running.job));
		return jobs;
	}

	private void endStoredOutcomes() {
		for (RunningJob running : List.copyOf(this.running.values())) {
			Outcome outcome = running.outcome;
			if (outcome != null) {
				end(running, outcome, false);
			}
		}
	}

	private void renewIfDue() {
		long now = System.nanoTime();
		if (now - this.lastRenewal < this.settings.renewInterval().toNanos() || this.running.isEmpty()) {
			return;
		}
		this.lastRenewal = now;
		List<ClaimedJob> jobs = new ArrayList<>();
		this.running.values().forEach((running) -> jobs.add(running.job));
		// Cancelled, or reclaimed elsewhere after its lease lapsed (this run's outcome
		// will be dropped): either way the handler may stop.
		this.store.renew(queueName(), this.consumer, jobs).keySet().forEach(this::cancelled);
	}

	private static String describe(Throwable failure) {
		String message = failure.getClass().getName() + ": " + failure.getMessage();
		return (message.length() > 2000) ? message.substring(0, 2000) + "..." : message;
	}

	/**
	 * How long interrupted handlers get to end before their jobs are sent back anyway.
	 */
	static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

	/** Stops claiming; running jobs go on. */
	void stop() {
		this.stopping = true;
		wake();
	}

	/**
	 * Stops claiming, lets running jobs finish within the shutdown timeout, then
	 * interrupts their handlers, whose jobs go back to the queue, their attempt not
	 * counted.
	 */
	@Override
	public void close() {
		stop();
		try {
			this.loop.join(this.settings.shutdownTimeout().toMillis() + 1000);
			this.handlers.shutdown();
			if (!this.handlers.awaitTermination(this.settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				// Interrupted, a handler's job goes back to the queue (see attempt).
				this.handlers.shutdownNow();
				if (!this.handlers.awaitTermination(INTERRUPT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
					// A handler that ignores interrupts: its job goes back all the same,
					// and may run elsewhere while it goes on.
					for (RunningJob running : List.copyOf(this.running.values())) {
						if (running.outcome == null) {
							end(running, Outcome.released(), false);
						}
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		endStoredOutcomes();
	}

	private static final class RunningJob {

		final ClaimedJob job;

		final JobContextImpl context;

		volatile @Nullable Outcome outcome;

		volatile long nanos;

		/** Whether a thread is ending the job in the store. */
		final AtomicBoolean ending = new AtomicBoolean();

		RunningJob(ClaimedJob job, JobContextImpl context) {
			this.job = job;
			this.context = context;
		}

	}

}
