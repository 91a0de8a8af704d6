package io.github.redisstarter.queue;

import io.github.redisstarter.queue.JobStore.ClaimedJob;

/** The {@link JobContext} of one attempt. */
final class JobContextImpl implements JobContext {

	private final ClaimedJob job;

	private final JobStore store;

	private final String consumer;

	private final DefaultJobQueue queue;

	private volatile boolean cancelled;

	JobContextImpl(ClaimedJob job, JobStore store, String consumer, DefaultJobQueue queue) {
		this.job = job;
		this.store = store;
		this.consumer = consumer;
		this.queue = queue;
	}

	@Override
	public String id() {
		return this.job.id();
	}

	@Override
	public String queue() {
		return this.job.queue();
	}

	@Override
	public String name() {
		return this.job.name();
	}

	@Override
	public int attempt() {
		return this.job.attempt();
	}

	@Override
	public int maxAttempts() {
		return this.job.maxAttempts();
	}

	@Override
	public String payloadJson() {
		return this.job.payload();
	}

	@Override
	public <T> T payload(Class<T> type) {
		return this.queue.read(this.job.payload(), type);
	}

	@Override
	public void progress(int percent) {
		if (percent < 0 || percent > 100) {
			throw new IllegalArgumentException("'percent' must be 0 to 100, not " + percent);
		}
		this.store.progress(this.job, this.consumer, percent);
		this.queue.event(JobEvent.Type.PROGRESS, this.job, Integer.toString(percent));
	}

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	void cancel() {
		this.cancelled = true;
	}

}
