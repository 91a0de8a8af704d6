package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A queue: its name, how many of its jobs one instance runs at once, and the options its
 * jobs take when they set none.
 *
 * @param name letters, digits, {@code .}, {@code _} and {@code -}, up to 64
 * @param concurrency how many jobs of the queue one instance runs at once, at least 1
 * @param defaults the options of a job that sets none; every option set
 */
public record QueueDefinition(String name, int concurrency, JobOptions defaults) {

	/** What a queue name may be, for messages. */
	public static final String NAME_FORM = "1 to 64 letters, digits, '.', '_' or '-'";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	/**
	 * The seed's defaults: one attempt, no delay, priority 0, the last 100 completed and
	 * 50 failed jobs kept, with no age limit.
	 */
	public static final JobOptions SEED_DEFAULTS = new JobOptions(null, 1, Backoff.NONE, Duration.ZERO, 0, 100, 50,
			Duration.ZERO);

	public QueueDefinition {
		checkName(name);
		if (concurrency < 1) {
			throw new IllegalArgumentException("'concurrency' must be at least 1, not " + concurrency);
		}
		if (defaults == null) {
			throw new IllegalArgumentException("'defaults' must not be null");
		}
		defaults = defaults.over(SEED_DEFAULTS);
		if (defaults.id() != null) {
			throw new IllegalArgumentException("'defaults' must not set an id: ids are per job");
		}
	}

	/** A queue of {@code name} running one job at a time, with the seed's defaults. */
	public static QueueDefinition of(String name) {
		return new QueueDefinition(name, 1, SEED_DEFAULTS);
	}

	public QueueDefinition withConcurrency(int concurrency) {
		return new QueueDefinition(this.name, concurrency, this.defaults);
	}

	public QueueDefinition withDefaults(JobOptions defaults) {
		return new QueueDefinition(this.name, this.concurrency, defaults.over(this.defaults));
	}

	static String checkName(String name) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("'queue' must be " + NAME_FORM + ", not '" + name + "'");
		}
		return name;
	}

}
