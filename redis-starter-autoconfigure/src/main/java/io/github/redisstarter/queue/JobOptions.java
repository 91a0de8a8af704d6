package io.github.redisstarter.queue;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How one job is run and kept. Every option left {@code null} takes its queue's default
 * ({@link QueueDefinition#defaults()}); {@link #DEFAULTS} leaves them all to the queue.
 * Built with the {@code with} methods: {@code JobOptions.DEFAULTS.withAttempts(3)}.
 *
 * @param id the job's id, which makes the add idempotent: while a job with this id is
 * kept, adding it again returns that job's id and adds nothing; {@code null} for a new
 * random id
 * @param attempts how many times the handler may run it, at least 1
 * @param backoff the wait between a failed attempt and the next
 * @param delay how long it waits before it is ready
 * @param priority 0 (the default) to 9: a ready job of a higher priority runs before
 * every ready job of a lower one; within a priority, in the order they became ready
 * @param keepCompleted how many completed jobs of the queue to keep once this one
 * completes (the oldest go first)
 * @param keepFailed how many failed jobs (dead letters) to keep once this one fails
 * @param keepFor how long a finished job is kept at most ({@code 0}: no age limit)
 */
public record JobOptions(@Nullable String id, @Nullable Integer attempts, @Nullable Backoff backoff,
		@Nullable Duration delay, @Nullable Integer priority, @Nullable Integer keepCompleted,
		@Nullable Integer keepFailed, @Nullable Duration keepFor) {

	/** Every option left to the queue's default. */
	public static final JobOptions DEFAULTS = new JobOptions(null, null, null, null, null, null, null, null);

	/** The highest priority. */
	public static final int MAX_PRIORITY = 9;

	/** The longest id, in characters. */
	public static final int MAX_ID_LENGTH = 200;

	public JobOptions {
		if (id != null
				&& (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl))) {
			throw new IllegalArgumentException(
					"'id' must be 1 to " + MAX_ID_LENGTH + " characters without control characters");
		}
		if (attempts != null && attempts < 1) {
			throw new IllegalArgumentException("'attempts' must be at least 1, not " + attempts);
		}
		if (delay != null && delay.isNegative()) {
			throw new IllegalArgumentException("'delay' must not be negative, not " + delay);
		}
		if (priority != null && (priority < 0 || priority > MAX_PRIORITY)) {
			throw new IllegalArgumentException("'priority' must be 0 to " + MAX_PRIORITY + ", not " + priority);
		}
		if (keepCompleted != null && keepCompleted < 0) {
			throw new IllegalArgumentException("'keepCompleted' must be 0 or more, not " + keepCompleted);
		}
		if (keepFailed != null && keepFailed < 0) {
			throw new IllegalArgumentException("'keepFailed' must be 0 or more, not " + keepFailed);
		}
		if (keepFor != null && keepFor.isNegative()) {
			throw new IllegalArgumentException("'keepFor' must not be negative, not " + keepFor);
		}
	}

	public JobOptions withId(String id) {
		return new JobOptions(id, this.attempts, this.backoff, this.delay, this.priority, this.keepCompleted,
				this.keepFailed, this.keepFor);
	}

	public JobOptions withAttempts(int attempts) {
		return new JobOptions(this.id, attempts, this.backoff, this.delay, this.priority, this.keepCompleted,
				this.keepFailed, this.keepFor);
	}

	public JobOptions withBackoff(Backoff backoff) {
		return new JobOptions(this.id, this.attempts, backoff, this.delay, this.priority, this.keepCompleted,
				this.keepFailed, this.keepFor);
	}

	public JobOptions withDelay(Duration delay) {
		return new JobOptions(this.id, this.attempts, this.backoff, delay, this.priority, this.keepCompleted,
				this.keepFailed, this.keepFor);
	}

	public JobOptions withPriority(int priority) {
		return new JobOptions(this.id, this.attempts, this.backoff, this.delay, priority, this.keepCompleted,
				this.keepFailed, this.keepFor);
	}

	public JobOptions withKeepCompleted(int keepCompleted) {
		return new JobOptions(this.id, this.attempts, this.backoff, this.delay, this.priority, keepCompleted,
				this.keepFailed, this.keepFor);
	}

	public JobOptions withKeepFailed(int keepFailed) {
		return new JobOptions(this.id, this.attempts, this.backoff, this.delay, this.priority, this.keepCompleted,
				keepFailed, this.keepFor);
	}

	public JobOptions withKeepFor(Duration keepFor) {
		return new JobOptions(this.id, this.attempts, this.backoff, this.delay, this.priority, this.keepCompleted,
				this.keepFailed, keepFor);
	}

	/** These options, each one left {@code null} taken from {@code defaults}. */
	public JobOptions over(JobOptions defaults) {
		return new JobOptions((this.id != null) ? this.id : defaults.id,
				(this.attempts != null) ? this.attempts : defaults.attempts,
				(this.backoff != null) ? this.backoff : defaults.backoff,
				(this.delay != null) ? this.delay : defaults.delay,
				(this.priority != null) ? this.priority : defaults.priority,
				(this.keepCompleted != null) ? this.keepCompleted : defaults.keepCompleted,
				(this.keepFailed != null) ? this.keepFailed : defaults.keepFailed,
				(this.keepFor != null) ? this.keepFor : defaults.keepFor);
	}

}
