package io.github.redisstarter.queue;

import java.time.Duration;

/**
 * How this instance's workers claim, hold and give back jobs.
 *
 * @param pollInterval how long an idle worker waits before it looks for jobs again (jobs
 * added on this instance, a freed worker and the next delayed job wake it sooner)
 * @param visibilityTimeout how long a job's lease lasts unless renewed: a job whose
 * worker stopped renewing it (a killed JVM) is run again elsewhere after this long
 * @param shutdownTimeout how long a stopping worker lets running jobs finish before it
 * sends them back to the queue
 * @param bufferCapacity how many adds this instance keeps while Redis is away, to hand
 * them to Redis in order once it is back; 0 (the default) keeps none: an add fails with
 * {@link QueueUnavailableException}
 */
public record QueueSettings(Duration pollInterval, Duration visibilityTimeout, Duration shutdownTimeout,
		int bufferCapacity) {

	/** 200ms, 30s, 10s, no buffer. */
	public static final QueueSettings DEFAULTS = new QueueSettings(Duration.ofMillis(200), Duration.ofSeconds(30),
			Duration.ofSeconds(10), 0);

	/** Settings without a local buffer. */
	public QueueSettings(Duration pollInterval, Duration visibilityTimeout, Duration shutdownTimeout) {
		this(pollInterval, visibilityTimeout, shutdownTimeout, 0);
	}

	public QueueSettings {
		if (pollInterval == null || pollInterval.toMillis() < 1) {
			throw new IllegalArgumentException("'pollInterval' must be at least 1ms, not " + pollInterval);
		}
		if (visibilityTimeout == null || visibilityTimeout.toMillis() < 100) {
			throw new IllegalArgumentException("'visibilityTimeout' must be at least 100ms, not " + visibilityTimeout);
		}
		if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
			throw new IllegalArgumentException("'shutdownTimeout' must not be negative, not " + shutdownTimeout);
		}
		if (bufferCapacity < 0) {
			throw new IllegalArgumentException("'bufferCapacity' must be 0 (no buffer) or more, not " + bufferCapacity);
		}
	}

	/**
	 * How often a worker renews its running jobs' leases: a third of the visibility
	 * timeout, at most 2 seconds, so a lease lapses only after two missed renewals.
	 */
	Duration renewInterval() {
		Duration third = this.visibilityTimeout.dividedBy(3);
		return (third.compareTo(Duration.ofSeconds(2)) > 0) ? Duration.ofSeconds(2) : third;
	}

}
