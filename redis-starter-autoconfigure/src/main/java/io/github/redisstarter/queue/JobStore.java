package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the jobs of every queue are kept: Redis ({@link RedisJobStore}) or this JVM
 * ({@link InMemoryJobStore}). Each method is one atomic step of a job's life; the rules
 * above the steps (options, backoff, attempts, events, workers) are shared in
 * {@link DefaultJobQueue} and {@link QueueWorker}. Times are the store's: Redis's clock
 * on Redis, so that instances with skewed clocks agree.
 */
interface JobStore {

	/**
	 * Keeps the jobs whose id is not kept yet, each ready now or after its delay.
	 * @return per job, whether it was added (false: a job of its id is kept)
	 */
	List<Boolean> add(String queue, List<NewJobRecord> jobs);

	/**
	 * Adds the job of a schedule's tick unless that tick, or a later one, was added
	 * already (by any instance).
	 */
	boolean addTick(String queue, String scheduleKey, long tickMillis, NewJobRecord job);

	/**
	 * Makes due delayed jobs ready, then takes up to {@code max} jobs for
	 * {@code consumer}: first those whose worker stopped renewing their lease for
	 * {@code visibility} (a job whose last attempt that was fails instead), then ready
	 * ones, highest priority first. Takes none while the queue is paused. Before all
	 * those, takes back the jobs the store gave {@code consumer} that it does not run (a
	 * claim whose answer it never got, as after a missed deadline), their attempt
	 * unchanged: so a lost answer costs a claim, not a visibility timeout and an attempt.
	 * Calls that claim for one consumer must not overlap.
	 * @param running the jobs {@code consumer} runs now
	 */
	Claim claim(String queue, String consumer, int max, Duration visibility, Collection<ClaimedJob> running);

	/**
	 * Renews the leases of jobs that {@code consumer} runs.
	 * @return the jobs among them that were cancelled, or that are no longer this
	 * consumer's (reclaimed after a lapse), by id, with {@code true} for cancelled
	 */
	Map<String, Boolean> renew(String queue, String consumer, Collection<ClaimedJob> jobs);

	/**
	 * Ends an attempt, if the job is still the consumer's in that attempt.
	 * @return whether it was (false: the job was reclaimed, cancelled and failed, or
	 * removed meanwhile, and this outcome is dropped)
	 */
	boolean finish(ClaimedJob job, String consumer, Outcome outcome);

	/**
	 * Ends an attempt as {@link #finish} does, then takes up to {@code max} jobs for
	 * {@code consumer} as {@link #claim} does: the worker that ran the job goes on with
	 * the next one. Two steps here; one call on Redis.
	 */
	default Finished finishAndClaim(ClaimedJob job, String consumer, Outcome outcome, int max, Duration visibility,
			Collection<ClaimedJob> running) {
		boolean ended = finish(job, consumer, outcome);
		return new Finished(ended, (max > 0) ? claim(job.queue(), consumer, max, visibility, running) : Claim.NONE);
	}

	/**
	 * Removes a stopping consumer from the queue's bookkeeping where it holds no job, so
	 * that it does not grow with every start of the app.
	 */
	default void leave(String queue, String consumer) {
	}

	/** Records the progress of a job the consumer runs. */
	void progress(ClaimedJob job, String consumer, int percent);

	@Nullable Job job(String queue, String id);

	QueueCounts counts(String queue);

	/**
	 * @return {@code WAITING} or {@code DELAYED} when it was failed at once,
	 * {@code ACTIVE} when flagged, {@code null} when it was neither (finished or unknown)
	 */
	@Nullable JobState cancel(String queue, String id);

	void paused(String queue, boolean paused);

	/** The newest failed jobs first. */
	List<Job> failed(String queue, int limit);

	boolean retry(String queue, String id);

	long purgeFailed(String queue);

	/**
	 * A job to keep: its options resolved.
	 *
	 * @param backoff {@link Backoff#toString()}
	 * @param keepForMillis 0 for no age limit
	 */
	record NewJobRecord(String id, String name, String payload, int priority, long delayMillis, int maxAttempts,
			String backoff, int keepCompleted, int keepFailed, long keepForMillis) {
	}

	/**
	 * What {@link #claim} took.
	 *
	 * @param lost jobs whose worker stopped on their last attempt: failed now
	 * @param nextDueMillis how long until the next delayed job is due, or -1 for none
	 */
	record Claim(List<ClaimedJob> jobs, List<String> lost, long nextDueMillis) {

		static final Claim NONE = new Claim(List.of(), List.of(), -1);

	}

	/**
	 * What {@link #finishAndClaim} did.
	 *
	 * @param ended what {@link #finish} returns
	 * @param next what was taken after
	 */
	record Finished(boolean ended, Claim next) {
	}

	/**
	 * A job taken for one attempt.
	 *
	 * @param attempt this attempt: 1 for the first
	 * @param token where the store finds the attempt again (on Redis, the priority and
	 * the stream entry)
	 */
	record ClaimedJob(String queue, String id, String name, String payload, int attempt, int maxAttempts,
			Backoff backoff, int keepCompleted, int keepFailed, long keepForMillis, String token) {
	}

	/**
	 * How an attempt ended.
	 *
	 * @param text the result (JSON, or {@code null} for none) of a completed attempt, the
	 * error of a failed one
	 * @param delay how long a retried job waits
	 */
	record Outcome(Kind kind, @Nullable String text, Duration delay) {

		enum Kind {

			/** The handler returned. */
			COMPLETED,

			/**
			 * It failed with attempts left: ready again after the delay (failed instead
			 * when it was cancelled meanwhile).
			 */
			RETRY,

			/** It failed for good: a dead letter. */
			FAILED,

			/**
			 * It did not end (its worker is stopping): ready again at once, the attempt
			 * not counted.
			 */
			RELEASED

		}

		static Outcome completed(@Nullable String result) {
			return new Outcome(Kind.COMPLETED, result, Duration.ZERO);
		}

		static Outcome retry(Duration delay, String error) {
			return new Outcome(Kind.RETRY, error, delay);
		}

		static Outcome failed(String error) {
			return new Outcome(Kind.FAILED, error, Duration.ZERO);
		}

		static Outcome released() {
			return new Outcome(Kind.RELEASED, null, Duration.ZERO);
		}

	}

	/** The reason a job gets when its worker stopped during its last attempt. */
	static String lostReason(Duration visibility) {
		return "its worker stopped renewing its lease for " + visibility.toMillis() + "ms on its last attempt";
	}

	String CANCELLED = "cancelled";

}
