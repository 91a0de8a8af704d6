package io.github.redisstarter.queue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.queue.JobStore.NewJobRecord;

/**
 * The opt-in local buffer of adds made while Redis is away: kept in this JVM, at most
 * {@code capacity} jobs, and handed to Redis in the order they were added once it is
 * back. While it holds jobs, new adds join its end, so that a later add never reaches
 * Redis before an earlier one of this instance. Jobs in it are lost if the instance stops
 * before Redis returns.
 */
final class AddBuffer {

	private final JobStore store;

	private final int capacity;

	private final ArrayDeque<Batch> batches = new ArrayDeque<>();

	private final Map<String, AtomicInteger> perQueue = new ConcurrentHashMap<>();

	private volatile int size;

	private record Batch(String queue, List<NewJobRecord> jobs) {
	}

	AddBuffer(JobStore store, int capacity) {
		this.store = store;
		this.capacity = capacity;
	}

	/**
	 * Adds through the store, or into the buffer while the store is away or the buffer
	 * holds jobs.
	 * @throws QueueUnavailableException when the store is away and the buffer is full
	 */
	List<Boolean> add(String queue, List<NewJobRecord> jobs) {
		if (this.size == 0) {
			try {
				return this.store.add(queue, jobs);
			}
			catch (QueueUnavailableException ex) {
				return buffer(queue, jobs, ex);
			}
		}
		return buffer(queue, jobs, null);
	}

	private synchronized List<Boolean> buffer(String queue, List<NewJobRecord> jobs,
			QueueUnavailableException failure) {
		if (this.size + jobs.size() > this.capacity) {
			String why = (failure != null) ? failure.getMessage() : "Queue '" + queue + "' is unavailable";
			throw new QueueUnavailableException(why + "; the local buffer is full (" + this.size + " of "
					+ this.capacity + " jobs wait for Redis)");
		}
		this.batches.add(new Batch(queue, List.copyOf(jobs)));
		this.size += jobs.size();
		this.perQueue.computeIfAbsent(queue, (name) -> new AtomicInteger()).addAndGet(jobs.size());
		return jobs.stream().map((job) -> true).toList();
	}

	/**
	 * Hands the buffered jobs to the store, oldest first, until it is empty or the store
	 * is away again.
	 * @return whether the buffer is empty
	 */
	synchronized boolean flush() {
		while (!this.batches.isEmpty()) {
			Batch batch = this.batches.peek();
			try {
				this.store.add(batch.queue(), batch.jobs());
			}
			catch (RuntimeException ex) {
				// Away again (or the add failed in a way a retry may fix): kept in order.
				return false;
			}
			this.batches.poll();
			this.size -= batch.jobs().size();
			this.perQueue.get(batch.queue()).addAndGet(-batch.jobs().size());
		}
		return true;
	}

	/** How many jobs of the queue wait in the buffer. */
	int waiting(String queue) {
		AtomicInteger count = this.perQueue.get(queue);
		return (count != null) ? count.get() : 0;
	}

	int size() {
		return this.size;
	}

}
