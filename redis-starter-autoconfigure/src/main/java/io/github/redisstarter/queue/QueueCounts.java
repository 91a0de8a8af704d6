package io.github.redisstarter.queue;

/**
 * How many jobs of a queue are in each state, read at one moment.
 *
 * @param failed the dead letters kept
 * @param paused whether the queue is paused
 */
public record QueueCounts(long waiting, long delayed, long active, long completed, long failed, boolean paused) {

}
