package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;
import org.jspecify.annotations.Nullable;

/**
 * The Redis store behind the backend's {@link Failover}: while Redis is in use each step
 * goes to it, and a failure that means Redis is away switches the backend; while it is
 * away, every step throws {@link QueueUnavailableException} at once. Unlike the other
 * capabilities, the queue has no twin to answer meanwhile: an in-memory job would be lost
 * with the instance, and another instance could never run it.
 */
final class FailoverJobStore implements JobStore {

	private final RedisJobStore redis;

	private final Failover failover;

	FailoverJobStore(RedisJobStore redis, Failover failover) {
		this.redis = redis;
		this.failover = failover;
	}

	private <T> T call(String queue, Supplier<T> onRedis) {
		return this.failover.call(onRedis, () -> {
			throw unavailable(queue);
		});
	}

	private QueueUnavailableException unavailable(String queue) {
		BackendState state = this.failover.state();
		String why = state.usesRedis()
				? "Redis did not answer within the call deadline (" + state.callDeadline().toMillis() + "ms)"
				: "Redis is away: " + state.reason();
		return new QueueUnavailableException("Queue '" + queue + "' is unavailable: " + why);
	}

	@Override
	public List<Boolean> add(String queue, List<NewJobRecord> jobs) {
		return call(queue, () -> this.redis.add(queue, jobs));
	}

	@Override
	public boolean addTick(String queue, String scheduleKey, long tickMillis, NewJobRecord job) {
		return call(queue, () -> this.redis.addTick(queue, scheduleKey, tickMillis, job));
	}

	@Override
	public Claim claim(String queue, String consumer, int max, Duration visibility, Collection<ClaimedJob> running) {
		return call(queue, () -> this.redis.claim(queue, consumer, max, visibility, running));
	}

	@Override
	public Map<String, Boolean> renew(String queue, String consumer, Collection<ClaimedJob> jobs) {
		return call(queue, () -> this.redis.renew(queue, consumer, jobs));
	}

	@Override
	public boolean finish(ClaimedJob job, String consumer, Outcome outcome) {
		return call(job.queue(), () -> this.redis.finish(job, consumer, outcome));
	}

	@Override
	public Finished finishAndClaim(ClaimedJob job, String consumer, Outcome outcome, int max, Duration visibility,
			Collection<ClaimedJob> running) {
		return call(job.queue(), () -> this.redis.finishAndClaim(job, consumer, outcome, max, visibility, running));
	}

	@Override
	public void leave(String queue, String consumer) {
		call(queue, () -> {
			this.redis.leave(queue, consumer);
			return null;
		});
	}

	@Override
	public void progress(ClaimedJob job, String consumer, int percent) {
		call(job.queue(), () -> {
			this.redis.progress(job, consumer, percent);
			return null;
		});
	}

	@Override
	public @Nullable Job job(String queue, String id) {
		return call(queue, () -> this.redis.job(queue, id));
	}

	@Override
	public QueueCounts counts(String queue) {
		return call(queue, () -> this.redis.counts(queue));
	}

	@Override
	public @Nullable JobState cancel(String queue, String id) {
		return call(queue, () -> this.redis.cancel(queue, id));
	}

	@Override
	public void paused(String queue, boolean paused) {
		call(queue, () -> {
			this.redis.paused(queue, paused);
			return null;
		});
	}

	@Override
	public List<Job> failed(String queue, int limit) {
		return call(queue, () -> this.redis.failed(queue, limit));
	}

	@Override
	public boolean retry(String queue, String id) {
		return call(queue, () -> this.redis.retry(queue, id));
	}

	@Override
	public long purgeFailed(String queue) {
		return call(queue, () -> this.redis.purgeFailed(queue));
	}

}
