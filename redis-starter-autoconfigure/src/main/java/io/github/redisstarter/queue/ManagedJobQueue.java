package io.github.redisstarter.queue;

import org.jspecify.annotations.Nullable;

/**
 * A {@link JobQueue} with this instance's workers and schedules: what the starter builds
 * and closes, and what an app without Spring builds with {@link JobQueues}.
 */
public interface ManagedJobQueue extends JobQueue, AutoCloseable {

	/**
	 * Starts a worker for the handler's queue on this instance.
	 * @throws IllegalArgumentException when the queue has a handler already
	 */
	default void handle(QueueHandler handler) {
		handle(handler, null);
	}

	/**
	 * Starts a worker for the handler's queue on this instance that starts a job only
	 * with a permit of {@code throttle} ({@code null}: as fast as workers free up).
	 * @throws IllegalArgumentException when the queue has a handler already
	 */
	void handle(QueueHandler handler, @Nullable JobThrottle throttle);

	/**
	 * Adds the job at every tick of its schedule, once per tick across every instance
	 * that declares it; a tick that finds Redis away is skipped (logged).
	 */
	void repeat(RepeatableJob repeatable);

	/**
	 * How many adds of the queue wait in this instance's local buffer for Redis to return
	 * ({@link QueueSettings#bufferCapacity()}); 0 without a buffer.
	 */
	int buffered(String queue);

	/**
	 * Stops claiming, lets running jobs finish within the shutdown timeout, and sends
	 * those still running back to the queue.
	 */
	@Override
	void close();

}
