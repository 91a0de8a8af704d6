package io.github.redisstarter.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstarter.connection.internal.DaemonThreads;
import io.github.redisstarter.queue.JobStore.ClaimedJob;
import io.github.redisstarter.queue.JobStore.NewJobRecord;
import io.github.redisstarter.queue.JobStore.Outcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link JobQueue} over a {@link JobStore}: the rules both sides share (options
 * resolved over the queue's defaults, ids, JSON, events) and this instance's workers and
 * schedules. On Redis its store answers through the backend's failover
 * ({@link FailoverJobStore}).
 */
final class DefaultJobQueue implements ManagedJobQueue {

	private static final Log logger = LogFactory.getLog(DefaultJobQueue.class);

	private final JobStore store;

	private final JsonMapper json;

	private final Map<String, QueueDefinition> definitions;

	private final JobOptions defaults;

	private final JobListener listener;

	private final QueueSettings settings;

	private final String consumer;

	private final InstantSource clock;

	private final Set<String> used = ConcurrentHashMap.newKeySet();

	private final Map<String, QueueWorker> workers = new ConcurrentHashMap<>();

	private final ScheduledExecutorService schedules;

	/** Adds kept while Redis is away; {@code null} when the settings keep none. */
	private final @Nullable AddBuffer buffer;

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	private volatile boolean closed;

	/**
	 * @param defaults the options of jobs of queues not among {@code definitions}
	 */
	DefaultJobQueue(JobStore store, JsonMapper json, Collection<QueueDefinition> definitions, JobOptions defaults,
			JobListener listener, QueueSettings settings, InstantSource clock) {
		this.store = store;
		this.json = json;
		this.definitions = new ConcurrentHashMap<>();
		definitions.forEach((definition) -> this.definitions.put(definition.name(), definition));
		this.defaults = defaults.over(QueueDefinition.SEED_DEFAULTS);
		this.listener = listener;
		this.settings = settings;
		this.clock = clock;
		this.consumer = UUID.randomUUID().toString();
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				DaemonThreads.named("queue-schedules"));
		scheduler.setRemoveOnCancelPolicy(true);
		this.schedules = scheduler;
		this.buffer = (settings.bufferCapacity() > 0) ? new AddBuffer(store, settings.bufferCapacity()) : null;
	}

	/** This instance's consumer name in every queue's group. */
	String consumer() {
		return this.consumer;
	}

	QueueDefinition definition(String queue) {
		QueueDefinition.checkName(queue);
		QueueDefinition definition = this.definitions.get(queue);
		return (definition != null) ? definition : new QueueDefinition(queue, 1, this.defaults);
	}

	@Override
	public String add(String queue, String name, @Nullable Object payload, JobOptions options) {
		return addAll(queue, List.of(new NewJob(name, payload, options))).get(0);
	}

	@Override
	public List<String> addAll(String queue, List<NewJob> jobs) {
		QueueDefinition definition = definition(queue);
		List<NewJobRecord> records = new ArrayList<>(jobs.size());
		for (NewJob job : jobs) {
			records.add(record(definition, job, null));
		}
		List<Boolean> added = (this.buffer != null) ? this.buffer.add(queue, records) : this.store.add(queue, records);
		if (this.buffer != null && this.buffer.size() > 0) {
			// Not only on a switch: a missed deadline buffers too, with no switch to
			// come.
			scheduleFlush();
		}
		this.used.add(queue);
		List<String> ids = new ArrayList<>(records.size());
		for (int i = 0; i < records.size(); i++) {
			NewJobRecord record = records.get(i);
			ids.add(record.id());
			if (added.get(i)) {
				tell(new JobEvent(JobEvent.Type.ADDED, queue, record.id(), record.name(), 0, null, null));
			}
		}
		wakeWorker(queue);
		return ids;
	}

	private NewJobRecord record(QueueDefinition definition, NewJob job, @Nullable String id) {
		if (job.name() == null || job.name().isEmpty() || job.name().length() > 200) {
			throw new IllegalArgumentException("'name' must be 1 to 200 characters, not '" + job.name() + "'");
		}
		JobOptions options = (job.options() != null) ? job.options().over(definition.defaults())
				: definition.defaults();
		String jobId = (id != null) ? id : (options.id() != null) ? options.id() : UUID.randomUUID().toString();
		return new NewJobRecord(jobId, job.name(), json(job.payload()), options.priority(), options.delay().toMillis(),
				options.attempts(), options.backoff().toString(), options.keepCompleted(), options.keepFailed(),
				options.keepFor().toMillis());
	}

	@Override
	public Optional<Job> job(String queue, String id) {
		return Optional.ofNullable(this.store.job(QueueDefinition.checkName(queue), id));
	}

	@Override
	public QueueCounts counts(String queue) {
		return this.store.counts(QueueDefinition.checkName(queue));
	}

	@Override
	public boolean cancel(String queue, String id) {
		JobState was = this.store.cancel(QueueDefinition.checkName(queue), id);
		if (was == JobState.ACTIVE) {
			QueueWorker worker = this.workers.get(queue);
			if (worker != null) {
				worker.cancelled(id);
			}
		}
		else if (was != null) {
			tell(new JobEvent(JobEvent.Type.FAILED, queue, id, "", 0, JobStore.CANCELLED, null));
		}
		return was != null;
	}

	@Override
	public void pause(String queue) {
		this.store.paused(QueueDefinition.checkName(queue), true);
	}

	@Override
	public void resume(String queue) {
		this.store.paused(QueueDefinition.checkName(queue), false);
		wakeWorker(queue);
	}

	@Override
	public List<Job> deadLetters(String queue, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("'limit' must be at least 1, not " + limit);
		}
		return this.store.failed(QueueDefinition.checkName(queue), limit);
	}

	@Override
	public boolean retry(String queue, String id) {
		boolean retried = this.store.retry(QueueDefinition.checkName(queue), id);
		wakeWorker(queue);
		return retried;
	}

	@Override
	public long purgeDeadLetters(String queue) {
		return this.store.purgeFailed(QueueDefinition.checkName(queue));
	}

	@Override
	public Set<String> queues() {
		Set<String> names = new TreeSet<>(this.definitions.keySet());
		names.addAll(this.workers.keySet());
		names.addAll(this.used);
		return names;
	}

	@Override
	public void handle(QueueHandler handler, @Nullable JobThrottle throttle) {
		if (this.closed) {
			throw new IllegalStateException("The job queue is closed: the app is stopping");
		}
		QueueDefinition definition = definition(handler.queue());
		QueueWorker worker = new QueueWorker(definition, handler, throttle, this.store, this, this.settings,
				this.consumer);
		if (this.workers.putIfAbsent(definition.name(), worker) != null) {
			throw new IllegalArgumentException("'handler' of queue '" + definition.name()
					+ "' is the second one: a queue has one handler per instance");
		}
		worker.start();
	}

	/**
	 * Adds the repeatable job at each tick of its schedule on this instance; the store
	 * keeps it to one job per tick across instances. A tick that finds the store away is
	 * skipped.
	 */
	@Override
	public void repeat(RepeatableJob repeatable) {
		definition(repeatable.queue());
		scheduleNext(repeatable, this.clock.instant());
	}

	private void scheduleNext(RepeatableJob repeatable, Instant after) {
		Instant tick = repeatable.schedule().nextAfter(after);
		if (tick == null || this.closed) {
			return;
		}
		long delay = Math.max(0, tick.toEpochMilli() - this.clock.millis());
		this.schedules.schedule(() -> {
			addTick(repeatable, tick);
			scheduleNext(repeatable, tick);
		}, delay, TimeUnit.MILLISECONDS);
	}

	private void addTick(RepeatableJob repeatable, Instant tick) {
		String id = repeatable.key() + "@" + tick.toEpochMilli();
		try {
			NewJobRecord record = record(definition(repeatable.queue()),
					new NewJob(repeatable.name(), repeatable.payload()), id);
			if (this.store.addTick(repeatable.queue(), repeatable.key(), tick.toEpochMilli(), record)) {
				this.used.add(repeatable.queue());
				tell(new JobEvent(JobEvent.Type.ADDED, repeatable.queue(), id, repeatable.name(), 0, null, null));
				wakeWorker(repeatable.queue());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("The repeatable job '" + repeatable.key() + "' of queue '" + repeatable.queue()
					+ "' skipped its tick at " + tick + ": " + ex.getMessage());
		}
	}

	private void wakeWorker(String queue) {
		QueueWorker worker = this.workers.get(queue);
		if (worker != null) {
			worker.wake();
		}
	}

	private final List<Runnable> onClose = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** Runs {@code action} when the queue is closed. */
	void whenClosed(Runnable action) {
		this.onClose.add(action);
	}

	/** Redis is back, or away: hands it the buffered adds, and wakes every worker. */
	void backendSwitched() {
		if (this.buffer != null && this.buffer.size() > 0 && !this.closed) {
			this.schedules.execute(this::flushBuffer);
		}
		this.workers.values().forEach(QueueWorker::wake);
	}

	/** Tries the buffer after a poll interval, unless a try is scheduled already. */
	private void scheduleFlush() {
		if (!this.closed && this.flushScheduled.compareAndSet(false, true)) {
			this.schedules.schedule(this::flushBuffer, this.settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void flushBuffer() {
		this.flushScheduled.set(false);
		if (!this.buffer.flush()) {
			// Away again, or not yet taken back: try again after a poll interval.
			scheduleFlush();
			return;
		}
		this.workers.values().forEach(QueueWorker::wake);
	}

	@Override
	public int buffered(String queue) {
		return (this.buffer != null) ? this.buffer.waiting(queue) : 0;
	}

	void event(JobEvent.Type type, ClaimedJob job, @Nullable String detail) {
		tell(new JobEvent(type, job.queue(), job.id(), job.name(), job.attempt(), detail, null));
	}

	void ended(ClaimedJob job, Outcome outcome, long nanos) {
		JobEvent.Type type = switch (outcome.kind()) {
			case COMPLETED -> JobEvent.Type.COMPLETED;
			case RETRY -> JobEvent.Type.RETRYING;
			case FAILED -> JobEvent.Type.FAILED;
			case RELEASED -> null;
		};
		if (type != null) {
			tell(new JobEvent(type, job.queue(), job.id(), job.name(), job.attempt(), outcome.text(),
					Duration.ofNanos(nanos)));
		}
	}

	/** A job whose worker stopped on its last attempt was failed by a claim here. */
	void lost(String queue, String id) {
		tell(new JobEvent(JobEvent.Type.FAILED, queue, id, "", 0,
				JobStore.lostReason(this.settings.visibilityTimeout()), null));
	}

	private void tell(JobEvent event) {
		try {
			this.listener.onEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A job listener failed on " + event.type() + " of job '" + event.jobId() + "': " + ex);
		}
	}

	String json(@Nullable Object value) {
		try {
			return this.json.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("'payload' could not be written as JSON: " + ex.getOriginalMessage(),
					ex);
		}
	}

	<T> T read(String text, Class<T> type) {
		try {
			return this.json.readValue(text, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"the payload could not be read as " + type.getName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	Duration visibilityTimeout() {
		return this.settings.visibilityTimeout();
	}

	/** Stops every worker (see {@link QueueWorker#close()}) and every schedule. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.onClose.forEach(Runnable::run);
		this.schedules.shutdownNow();
		// Every worker stops claiming at once; then each lets its jobs end, side by side.
		this.workers.values().forEach(QueueWorker::stop);
		List<Thread> closing = new ArrayList<>();
		for (QueueWorker worker : this.workers.values()) {
			Thread thread = DaemonThreads.named("queue-close").newThread(worker::close);
			thread.start();
			closing.add(thread);
		}
		for (Thread thread : closing) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		for (String queue : this.workers.keySet()) {
			try {
				this.store.leave(queue, this.consumer);
			}
			catch (RuntimeException ex) {
				// Redis is away: the consumer stays in the group, holding nothing.
			}
		}
	}

}
