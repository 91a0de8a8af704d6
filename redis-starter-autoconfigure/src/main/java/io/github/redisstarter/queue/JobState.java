package io.github.redisstarter.queue;

/** Where a job is in its life. */
public enum JobState {

	/** Ready, waiting for a worker. */
	WAITING,

	/** Waiting for its time: added with a delay, or retrying after a failed attempt. */
	DELAYED,

	/** Running on a worker now. */
	ACTIVE,

	/** Its handler returned; kept until retention removes it. */
	COMPLETED,

	/**
	 * Out of attempts or cancelled: a dead letter, kept until retention removes it, and
	 * until then listed by {@link JobQueue#deadLetters}, retried and purged.
	 */
	FAILED;

	/** The state's name as Redis keeps it and JSON shows it: {@code waiting}. */
	public String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	static JobState ofLabel(String label) {
		return valueOf(label.toUpperCase(java.util.Locale.ROOT));
	}

}
