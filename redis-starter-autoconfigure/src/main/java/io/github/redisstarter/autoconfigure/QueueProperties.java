package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.redisstarter.queue.Backoff;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the job queue ({@code redis-starter.queue.*}). */
@ConfigurationProperties("redis-starter.queue")
public class QueueProperties {

	/** Whether the JobQueue bean is created and handlers run. */
	private boolean enabled = true;

	/**
	 * The first part of every queue key: {@code <key-prefix>:{<queue>}:...}. Non-empty,
	 * without '{' or '}'.
	 */
	private String keyPrefix = "queue";

	/**
	 * How long an idle worker waits before it looks for jobs again. Jobs added on this
	 * instance, a freed worker and the next delayed job wake it sooner.
	 */
	private Duration pollInterval = Duration.ofMillis(200);

	/**
	 * How long a job's lease lasts unless its worker renews it (every third of this, at
	 * most every 2s): a job whose worker stopped (a killed JVM) runs again elsewhere
	 * after this long. At least 100ms.
	 */
	private Duration visibilityTimeout = Duration.ofSeconds(30);

	/**
	 * How long a stopping app lets running jobs finish before it sends them back to the
	 * queue, where another instance takes them.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(10);

	/**
	 * How many adds one instance keeps while Redis is away, to hand them to Redis in
	 * order once it is back (they are lost if the instance stops first). 0 keeps none: an
	 * add then fails with QueueUnavailableException.
	 */
	private int bufferCapacity;

	/** The options of jobs of every queue that sets none of its own. */
	private final Options defaults = new Options();

	/** Queues by name: concurrency, job options and repeatable jobs. */
	private final Map<String, Queue> queues = new LinkedHashMap<>();

	private final Endpoint endpoint = new Endpoint();

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	/** The actuator endpoint {@code queues}. */
	public static class Endpoint {

		/**
		 * Whether the endpoint shows the payloads of failed jobs. Off: payloads may hold
		 * personal data.
		 */
		private boolean showPayloads;

		public boolean isShowPayloads() {
			return this.showPayloads;
		}

		public void setShowPayloads(boolean showPayloads) {
			this.showPayloads = showPayloads;
		}

	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getVisibilityTimeout() {
		return this.visibilityTimeout;
	}

	public void setVisibilityTimeout(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public int getBufferCapacity() {
		return this.bufferCapacity;
	}

	public void setBufferCapacity(int bufferCapacity) {
		this.bufferCapacity = bufferCapacity;
	}

	public Options getDefaults() {
		return this.defaults;
	}

	public Map<String, Queue> getQueues() {
		return this.queues;
	}

	/** Job options; each one unset is taken from the level above. */
	public static class Options {

		/** How many times a job may run, at least 1 (default 1). */
		private @Nullable Integer attempts;

		/**
		 * The wait after a failed attempt: 'fixed <duration>' or 'exponential <first>
		 * <max>' (default no wait).
		 */
		private @Nullable Backoff backoff;

		/**
		 * How many completed jobs of the queue are kept, newest first (default 100, as in
		 * the seed).
		 */
		private @Nullable Integer keepCompleted;

		/**
		 * How many failed jobs (dead letters) of the queue are kept, newest first
		 * (default 50, as in the seed).
		 */
		private @Nullable Integer keepFailed;

		/** How long a finished job is kept at most (default no age limit). */
		private @Nullable Duration keepFor;

		public @Nullable Integer getAttempts() {
			return this.attempts;
		}

		public void setAttempts(@Nullable Integer attempts) {
			this.attempts = attempts;
		}

		public @Nullable Backoff getBackoff() {
			return this.backoff;
		}

		public void setBackoff(@Nullable Backoff backoff) {
			this.backoff = backoff;
		}

		public @Nullable Integer getKeepCompleted() {
			return this.keepCompleted;
		}

		public void setKeepCompleted(@Nullable Integer keepCompleted) {
			this.keepCompleted = keepCompleted;
		}

		public @Nullable Integer getKeepFailed() {
			return this.keepFailed;
		}

		public void setKeepFailed(@Nullable Integer keepFailed) {
			this.keepFailed = keepFailed;
		}

		public @Nullable Duration getKeepFor() {
			return this.keepFor;
		}

		public void setKeepFor(@Nullable Duration keepFor) {
			this.keepFor = keepFor;
		}

	}

	/** One queue. */
	public static class Queue extends Options {

		/** How many of the queue's jobs one instance runs at once. */
		private int concurrency = 1;

		/**
		 * The name of a rate limit (redis-starter.rate-limit.limits.<name>) that paces
		 * how fast the queue's jobs start, across every instance; none when unset.
		 */
		private @Nullable String rateLimit;

		public @Nullable String getRateLimit() {
			return this.rateLimit;
		}

		public void setRateLimit(@Nullable String rateLimit) {
			this.rateLimit = rateLimit;
		}

		/** Jobs added at every tick of a schedule, once per tick across instances. */
		private final Map<String, Repeat> repeat = new LinkedHashMap<>();

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Map<String, Repeat> getRepeat() {
			return this.repeat;
		}

	}

	/** A repeatable job: 'cron' or 'every', not both. */
	public static class Repeat {

		/**
		 * A cron expression of six fields (second minute hour day-of-month month
		 * day-of-week), such as '0 0 3 * * *'.
		 */
		private @Nullable String cron;

		/** The zone the cron expression is read in. */
		private ZoneId zone = ZoneId.of("UTC");

		/** A fixed interval, counted from the epoch so that every instance agrees. */
		private @Nullable Duration every;

		/** The jobs' name (defaults to the repeatable job's key). */
		private @Nullable String jobName;

		/** The jobs' payload, as JSON text (none when unset). */
		private @Nullable String payload;

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public ZoneId getZone() {
			return this.zone;
		}

		public void setZone(ZoneId zone) {
			this.zone = zone;
		}

		public @Nullable Duration getEvery() {
			return this.every;
		}

		public void setEvery(@Nullable Duration every) {
			this.every = every;
		}

		public @Nullable String getJobName() {
			return this.jobName;
		}

		public void setJobName(@Nullable String jobName) {
			this.jobName = jobName;
		}

		public @Nullable String getPayload() {
			return this.payload;
		}

		public void setPayload(@Nullable String payload) {
			this.payload = payload;
		}

	}

}
