package io.github.redisstarter.autoconfigure.health;

import io.github.redisstarter.autoconfigure.QueueEvictionPolicy;
import io.github.redisstarter.connection.BackendState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The job queue's health detail: where jobs are kept ({@code redis} or {@code memory}),
 * Redis' eviction policy, and a {@code warning} when that policy can evict the queue's
 * keys, or when jobs live in memory only. Always UP: a warning is advice, and an outage
 * is the {@code redis} component's to report.
 */
public class QueueHealthIndicator extends AbstractHealthIndicator {

	private final BackendState state;

	private final @Nullable QueueEvictionPolicy evictionPolicy;

	public QueueHealthIndicator(BackendState state, @Nullable QueueEvictionPolicy evictionPolicy) {
		super("Job queue health check failed");
		this.state = state;
		this.evictionPolicy = evictionPolicy;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		if (this.state.endpoint() == null || this.evictionPolicy == null) {
			builder.withDetail("store", "memory")
				.withDetail("warning", "jobs live in this instance only and are lost when it stops");
			return;
		}
		builder.withDetail("store", "redis");
		QueueEvictionPolicy.Reading reading = this.evictionPolicy.now();
		builder.withDetail("evictionPolicy", (reading.policy() != null) ? reading.policy() : "unknown");
		if (reading.warning() != null) {
			builder.withDetail("warning", reading.warning());
		}
	}

}
