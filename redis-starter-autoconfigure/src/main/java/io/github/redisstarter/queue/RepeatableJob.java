package io.github.redisstarter.queue;

import org.jspecify.annotations.Nullable;

/**
 * A job added at every tick of a schedule, once per tick across every instance that
 * declares it (the first instance to reach a tick adds it; the others find it added).
 *
 * @param key names the schedule within its queue (several schedules may add jobs of one
 * name); the job of a tick gets the id {@code <key>@<tick in epoch milliseconds>}
 * @param queue the queue the jobs go to
 * @param name the jobs' name
 * @param payload the jobs' payload, written as JSON ({@code null} for none)
 * @param schedule when
 */
public record RepeatableJob(String key, String queue, String name, @Nullable Object payload, Schedule schedule) {

	public RepeatableJob {
		if (key == null || key.isEmpty() || key.length() > 100 || key.contains("@")) {
			throw new IllegalArgumentException("'key' must be 1 to 100 characters without '@', not '" + key + "'");
		}
		QueueDefinition.checkName(queue);
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("'name' must not be empty");
		}
		if (schedule == null) {
			throw new IllegalArgumentException("'schedule' must not be null");
		}
	}

}
