package io.github.redisstarter.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * The twin of {@link RedisJobStore}: the same steps on this JVM's memory, one lock per
 * queue. Jobs do not survive a restart.
 */
final class InMemoryJobStore implements JobStore {

	private final InstantSource clock;

	private final ConcurrentMap<String, MemoryQueue> queues = new ConcurrentHashMap<>();

	InMemoryJobStore(InstantSource clock) {
		this.clock = clock;
	}

	private MemoryQueue queue(String name) {
		return this.queues.computeIfAbsent(name, (n) -> new MemoryQueue());
	}

	private long now() {
		return this.clock.millis();
	}

	@Override
	public List<Boolean> add(String queue, List<NewJobRecord> jobs) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			List<Boolean> added = new ArrayList<>(jobs.size());
			for (NewJobRecord job : jobs) {
				added.add(q.add(queue, job, now()));
			}
			return added;
		}
	}

	@Override
	public boolean addTick(String queue, String scheduleKey, long tickMillis, NewJobRecord job) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			Long last = q.ticks.get(scheduleKey);
			if (last != null && last >= tickMillis) {
				return false;
			}
			q.ticks.put(scheduleKey, tickMillis);
			return q.add(queue, job, now());
		}
	}

	@Override
	public Claim claim(String queue, String consumer, int max, Duration visibility, Collection<ClaimedJob> running) {
		// In one JVM no answer is lost: running is not needed.
		MemoryQueue q = queue(queue);
		synchronized (q) {
			long now = now();
			q.promoteDue(now);
			List<ClaimedJob> claimed = new ArrayList<>();
			List<String> lost = new ArrayList<>();
			if (!q.paused) {
				for (StoredJob job : new ArrayList<>(q.active)) {
					if (claimed.size() >= max) {
						break;
					}
					if (job.leaseUntil < now) {
						if (job.attempts >= job.maxAttempts || job.cancelled) {
							q.active.remove(job);
							q.fail(job, job.cancelled ? CANCELLED : JobStore.lostReason(visibility), now);
							lost.add(job.id);
						}
						else {
							claimed.add(q.start(job, queue, consumer, now, visibility.toMillis()));
						}
					}
				}
				while (claimed.size() < max && !q.ready.isEmpty()) {
					StoredJob job = q.ready.pollFirst();
					q.active.add(job);
					claimed.add(q.start(job, queue, consumer, now, visibility.toMillis()));
				}
			}
			long nextDue = q.delayed.isEmpty() ? -1 : Math.max(0, q.delayed.first().runAt - now);
			return new Claim(claimed, lost, nextDue);
		}
	}

	@Override
	public Map<String, Boolean> renew(String queue, String consumer, Collection<ClaimedJob> jobs) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			Map<String, Boolean> news = new HashMap<>();
			for (ClaimedJob claimed : jobs) {
				StoredJob job = q.ours(claimed, consumer);
				if (job == null) {
					news.put(claimed.id(), false);
					continue;
				}
				job.leaseUntil = Math.max(job.leaseUntil, now() + job.leaseMillis);
				if (job.cancelled) {
					news.put(claimed.id(), true);
				}
			}
			return news;
		}
	}

	@Override
	public boolean finish(ClaimedJob claimed, String consumer, Outcome outcome) {
		MemoryQueue q = queue(claimed.queue());
		synchronized (q) {
			StoredJob job = q.ours(claimed, consumer);
			if (job == null) {
				return false;
			}
			long now = now();
			q.active.remove(job);
			job.consumer = null;
			if (job.cancelled && (outcome.kind() == Outcome.Kind.RETRY || outcome.kind() == Outcome.Kind.RELEASED)) {
				// Cancelled while it ran: never run again (as finish.lua does).
				q.fail(job, CANCELLED, now);
				return true;
			}
			switch (outcome.kind()) {
				case COMPLETED -> {
					job.state = JobState.COMPLETED;
					job.result = outcome.text();
					job.finishedAt = now;
					q.completed.put(job.id, job);
					q.trim(q.completed, job.keepCompleted, job.keepForMillis, now);
				}
				case RETRY -> {
					job.error = outcome.text();
					q.delay(job, now + outcome.delay().toMillis());
				}
				case FAILED -> q.fail(job, outcome.text(), now);
				case RELEASED -> {
					job.attempts--;
					q.ready(job);
				}
			}
			return true;
		}
	}

	@Override
	public void progress(ClaimedJob claimed, String consumer, int percent) {
		MemoryQueue q = queue(claimed.queue());
		synchronized (q) {
			StoredJob job = q.ours(claimed, consumer);
			if (job != null) {
				job.progress = percent;
			}
		}
	}

	@Override
	public @Nullable Job job(String queue, String id) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			StoredJob job = q.jobs.get(id);
			return (job != null) ? job.view(queue) : null;
		}
	}

	@Override
	public QueueCounts counts(String queue) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			return new QueueCounts(q.ready.size(), q.delayed.size(), q.active.size(), q.completed.size(),
					q.failed.size(), q.paused);
		}
	}

	@Override
	public @Nullable JobState cancel(String queue, String id) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			StoredJob job = q.jobs.get(id);
			if (job == null) {
				return null;
			}
			JobState was = job.state;
			switch (was) {
				case WAITING -> {
					q.ready.remove(job);
					q.fail(job, CANCELLED, now());
				}
				case DELAYED -> {
					q.delayed.remove(job);
					q.fail(job, CANCELLED, now());
				}
				case ACTIVE -> job.cancelled = true;
				default -> {
					return null;
				}
			}
			return was;
		}
	}

	@Override
	public void paused(String queue, boolean paused) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			q.paused = paused;
		}
	}

	@Override
	public List<Job> failed(String queue, int limit) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			List<StoredJob> oldestFirst = new ArrayList<>(q.failed.values());
			List<Job> newestFirst = new ArrayList<>();
			for (int i = oldestFirst.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
				newestFirst.add(oldestFirst.get(i).view(queue));
			}
			return newestFirst;
		}
	}

	@Override
	public boolean retry(String queue, String id) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			StoredJob job = q.failed.remove(id);
			if (job == null) {
				return false;
			}
			job.attempts = 0;
			job.cancelled = false;
			job.error = null;
			job.finishedAt = 0;
			q.ready(job);
			return true;
		}
	}

	@Override
	public long purgeFailed(String queue) {
		MemoryQueue q = queue(queue);
		synchronized (q) {
			long purged = q.failed.size();
			q.failed.keySet().forEach(q.jobs::remove);
			q.failed.clear();
			return purged;
		}
	}

	/** One queue's jobs; every access holds its lock. */
	private static final class MemoryQueue {

		final Map<String, StoredJob> jobs = new HashMap<>();

		/** Highest priority first, then in the order they became ready. */
		final TreeSet<StoredJob> ready = new TreeSet<>(
				Comparator.comparingInt((StoredJob job) -> -job.priority).thenComparingLong((job) -> job.sequence));

		final TreeSet<StoredJob> delayed = new TreeSet<>(
				Comparator.comparingLong((StoredJob job) -> job.runAt).thenComparingLong((job) -> job.sequence));

		final Set<StoredJob> active = new LinkedHashSet<>();

		/** In the order they finished. */
		final LinkedHashMap<String, StoredJob> completed = new LinkedHashMap<>();

		final LinkedHashMap<String, StoredJob> failed = new LinkedHashMap<>();

		final Map<String, Long> ticks = new HashMap<>();

		boolean paused;

		long sequence;

		boolean add(String queue, NewJobRecord record, long now) {
			if (this.jobs.containsKey(record.id())) {
				return false;
			}
			StoredJob job = new StoredJob(record, now);
			this.jobs.put(job.id, job);
			if (record.delayMillis() > 0) {
				delay(job, now + record.delayMillis());
			}
			else {
				ready(job);
			}
			return true;
		}

		void ready(StoredJob job) {
			job.state = JobState.WAITING;
			job.runAt = 0;
			job.sequence = ++this.sequence;
			this.ready.add(job);
		}

		void delay(StoredJob job, long runAt) {
			job.state = JobState.DELAYED;
			job.runAt = runAt;
			job.sequence = ++this.sequence;
			this.delayed.add(job);
		}

		void promoteDue(long now) {
			while (!this.delayed.isEmpty() && this.delayed.first().runAt <= now) {
				ready(this.delayed.pollFirst());
			}
		}

		ClaimedJob start(StoredJob job, String queue, String consumer, long now, long leaseMillis) {
			job.state = JobState.ACTIVE;
			job.attempts++;
			job.consumer = consumer;
			job.token = job.id + "#" + (++this.sequence);
			job.leaseMillis = leaseMillis;
			job.leaseUntil = now + leaseMillis;
			return new ClaimedJob(queue, job.id, job.name, job.payload, job.attempts, job.maxAttempts,
					Backoff.parse(job.backoff), job.keepCompleted, job.keepFailed, job.keepForMillis, job.token);
		}

		@Nullable StoredJob ours(ClaimedJob claimed, String consumer) {
			StoredJob job = this.jobs.get(claimed.id());
			boolean ours = job != null && job.state == JobState.ACTIVE && consumer.equals(job.consumer)
					&& claimed.token().equals(job.token);
			return ours ? job : null;
		}

		void fail(StoredJob job, String error, long now) {
			job.state = JobState.FAILED;
			job.error = error;
			job.finishedAt = now;
			job.consumer = null;
			this.failed.put(job.id, job);
			trim(this.failed, job.keepFailed, job.keepForMillis, now);
		}

		void trim(LinkedHashMap<String, StoredJob> finished, int keep, long keepForMillis, long now) {
			Iterator<StoredJob> oldestFirst = finished.values().iterator();
			int excess = finished.size() - keep;
			while (oldestFirst.hasNext()) {
				StoredJob job = oldestFirst.next();
				boolean tooOld = keepForMillis > 0 && job.finishedAt <= now - keepForMillis;
				if (excess <= 0 && !tooOld) {
					break;
				}
				oldestFirst.remove();
				this.jobs.remove(job.id);
				excess--;
			}
		}

	}

	/** A job as the twin keeps it: the mutable form of {@link Job}. */
	private static final class StoredJob {

		final String id;

		final String name;

		final String payload;

		final int priority;

		final int maxAttempts;

		final String backoff;

		final int keepCompleted;

		final int keepFailed;

		final long keepForMillis;

		final long createdAt;

		JobState state = JobState.WAITING;

		int attempts;

		int progress;

		@Nullable String result;

		@Nullable String error;

		long runAt;

		long finishedAt;

		long sequence;

		@Nullable String consumer;

		String token = "";

		long leaseUntil;

		long leaseMillis;

		boolean cancelled;

		StoredJob(NewJobRecord record, long now) {
			this.id = record.id();
			this.name = record.name();
			this.payload = record.payload();
			this.priority = record.priority();
			this.maxAttempts = record.maxAttempts();
			this.backoff = record.backoff();
			this.keepCompleted = record.keepCompleted();
			this.keepFailed = record.keepFailed();
			this.keepForMillis = record.keepForMillis();
			this.createdAt = now;
		}

		Job view(String queue) {
			return new Job(this.id, queue, this.name, this.state, this.payload, this.priority, this.attempts,
					this.maxAttempts, this.progress, this.result, this.error, Instant.ofEpochMilli(this.createdAt),
					(this.state == JobState.DELAYED) ? Instant.ofEpochMilli(this.runAt) : null,
					(this.finishedAt > 0) ? Instant.ofEpochMilli(this.finishedAt) : null);
		}

	}

}
