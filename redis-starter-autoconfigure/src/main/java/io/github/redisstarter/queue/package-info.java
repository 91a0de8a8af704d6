/**
 * The job queue: {@link io.github.redisstarter.queue.JobQueue}, at-least-once on Redis
 * Streams with a consumer group per queue, or in-process when no Redis is configured;
 * handlers, retries with backoff, delays, priorities, retention, dead letters and
 * repeatable jobs.
 */
@NullMarked
package io.github.redisstarter.queue;

import org.jspecify.annotations.NullMarked;
