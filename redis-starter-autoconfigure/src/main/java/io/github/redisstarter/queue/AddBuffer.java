package io.github.redisstarter.queue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.queue.JobStore.NewJobRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The opt-in local buffer of adds made while Redis is away: kept in this JVM, at most
 * {@code capacity} jobs, and handed to Redis in the order they were added once it is
 * back. While it holds jobs, new adds join its end, so that a later add never reaches
 * Redis before an earlier one of this instance. Jobs in it are lost if the instance stops
 * before Redis returns. An add never waits for a flush: the buffer's lock is held only to
 * change the buffer, never across a call to Redis.
 */
final class AddBuffer {

	private static final Log logger = LogFactory.getLog(AddBuffer.class);

	private final JobStore store;

	private final int capacity;

	/** Guards {@link #batches} and {@link #size}. */
	private final Object lock = new Object();

	/** Held by the one flush at a time, across its calls to Redis. */
	private final Object flushing = new Object();

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

	private List<Boolean> buffer(String queue, List<NewJobRecord> jobs, @Nullable QueueUnavailableException failure) {
		synchronized (this.lock) {
			if (this.size + jobs.size() > this.capacity) {
				String why = (failure != null) ? failure.getMessage() : "Queue '" + queue + "' is unavailable";
				throw new QueueUnavailableException(why + "; the local buffer is full (" + this.size + " of "
						+ this.capacity + " jobs wait for Redis)");
			}
			this.batches.add(new Batch(queue, List.copyOf(jobs)));
			this.size += jobs.size();
			this.perQueue.computeIfAbsent(queue, (name) -> new AtomicInteger()).addAndGet(jobs.size());
		}
		return jobs.stream().map((job) -> true).toList();
	}

	/**
	 * Hands the buffered jobs to the store, oldest first, until it is empty or the store
	 * is away again. A batch the store refuses for another reason (a bug, not an outage)
	 * would block the rest for good: it is dropped with an ERROR line naming its jobs.
	 * @return whether the buffer is empty
	 */
	boolean flush() {
		synchronized (this.flushing) {
			while (true) {
				Batch batch;
				synchronized (this.lock) {
					batch = this.batches.peek();
				}
				if (batch == null) {
					return true;
				}
				try {
					this.store.add(batch.queue(), batch.jobs());
				}
				catch (QueueUnavailableException ex) {
					// Away again: kept, in order.
					return false;
				}
				catch (RuntimeException ex) {
					logger.error("Dropped " + batch.jobs().size() + " buffered job(s) of queue '" + batch.queue()
							+ "' that Redis refused (" + ex.getMessage() + "): ids "
							+ batch.jobs().stream().map(NewJobRecord::id).toList());
				}
				synchronized (this.lock) {
					this.batches.poll();
					this.size -= batch.jobs().size();
				}
				this.perQueue.get(batch.queue()).addAndGet(-batch.jobs().size());
			}
		}
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
