package io.github.redisstarter.queue;

import java.time.Duration;

/**
 * Paces how fast a queue's jobs start: asked for a permit before a worker starts each job
 * it has taken (the job waits, active and leased, meanwhile; an idle queue asks nothing).
 * The starter's is the rate limit a queue names
 * ({@code redis-starter.queue.queues.<name>.rate-limit}), checked by the
 * {@code RateLimiter} under the queue's name, so the pace holds across every instance.
 */
@FunctionalInterface
public interface JobThrottle {

	/**
	 * Takes a permit to start one job of {@code queue}.
	 * @return {@link Duration#ZERO} when granted, otherwise how long to wait before
	 * asking again
	 */
	Duration acquire(String queue);

}
