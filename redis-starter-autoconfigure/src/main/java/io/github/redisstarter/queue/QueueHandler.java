package io.github.redisstarter.queue;

/**
 * Runs the jobs of one queue. As a bean, the starter runs a worker for its queue on every
 * instance; a method annotated with {@link JobHandler} is the other way to write one.
 * Returning completes the job (the returned value, as JSON, is its result); throwing
 * fails the attempt, and the job is retried after its backoff while it has attempts left.
 */
public interface QueueHandler {

	/** The queue whose jobs this runs. */
	String queue();

	/** Runs one job; returns its result, or {@code null} for none. */
	Object handle(JobContext job) throws Exception;

}
