package io.github.redisstarter.queue;

import java.time.Duration;

/**
 * Paces how fast a queue's jobs start: asked for a permit before each job is claimed. The
 * starter's is the rate limit a queue names
 * ({@code redis-starter.queue.queues.<name>.rate-limit}), checked by the
 * {@code RateLimiter} under the queue's name, so the pace holds across every instance. A
 * permit taken for a claim that finds no job is not given back: the pace may fall short
 * of the limit, never exceed it.
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
