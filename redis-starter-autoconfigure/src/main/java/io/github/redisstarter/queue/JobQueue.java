package io.github.redisstarter.queue;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Jobs run at least once by the handlers of their queue ({@link QueueHandler},
 * {@link JobHandler}), on whichever instance has a free worker. On Redis, a job that was
 * added survives restarts of the app and of Redis (with its append-only file on), and a
 * job whose worker stops (a killed JVM) is run again elsewhere once its visibility
 * timeout passes; so a handler may see a job twice, and should be idempotent, or use the
 * job's id to make it so. With no Redis configured, jobs live in this instance only and
 * do not survive a restart.
 *
 * <p>
 * While a configured Redis is away, calls throw {@link QueueUnavailableException} at
 * once, and workers pause until it is back.
 */
public interface JobQueue {

	/** Adds a job with its queue's default options; returns its id. */
	default String add(String queue, String name, @Nullable Object payload) {
		return add(queue, name, payload, JobOptions.DEFAULTS);
	}

	/**
	 * Adds a job; returns its id. With {@link JobOptions#id()} set and a job of that id
	 * kept in the queue, adds nothing and returns that id.
	 * @param payload written as JSON; {@code null} for none
	 */
	String add(String queue, String name, @Nullable Object payload, JobOptions options);

	/** Adds several jobs to one queue in one call; returns their ids, in order. */
	List<String> addAll(String queue, List<NewJob> jobs);

	/** A job to add with {@link #addAll}. */
	record NewJob(String name, @Nullable Object payload, JobOptions options) {

		public NewJob(String name, @Nullable Object payload) {
			this(name, payload, JobOptions.DEFAULTS);
		}

	}

	/** The job, if its queue still keeps it. */
	Optional<Job> job(String queue, String id);

	QueueCounts counts(String queue);

	/**
	 * Cancels a job: a waiting or delayed one becomes a failed job with the reason
	 * "cancelled" at once; an active one is flagged, which its handler sees through
	 * {@link JobContext#isCancelled()} (on its instance within the lease renewal), and is
	 * not retried.
	 * @return whether the job was waiting, delayed or active
	 */
	boolean cancel(String queue, String id);

	/**
	 * Stops every instance from starting the queue's jobs; running ones finish. Adds are
	 * still accepted.
	 */
	void pause(String queue);

	void resume(String queue);

	/** The newest dead letters (failed jobs) first, at most {@code limit}. */
	List<Job> deadLetters(String queue, int limit);

	/**
	 * Sends a dead letter back to the queue with its attempts counted from zero.
	 * @return whether it was a dead letter
	 */
	boolean retry(String queue, String id);

	/** Removes every dead letter of the queue; returns how many. */
	long purgeDeadLetters(String queue);

	/** The queues this instance knows: declared, handled, or added to. */
	Set<String> queues();

}
