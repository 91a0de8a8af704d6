package io.github.redisstarter.queue;

/** The job a handler runs, and what the handler may tell about it. */
public interface JobContext {

	String id();

	String queue();

	/** The name given at {@code add}. */
	String name();

	/** Which attempt this is: 1 for the first. */
	int attempt();

	/** How many attempts the job may have. */
	int maxAttempts();

	/** The payload, as JSON. */
	String payloadJson();

	/** The payload, read as {@code type}. */
	<T> T payload(Class<T> type);

	/**
	 * Records how far the job is, 0 to 100: seen by {@link JobQueue#job} and the
	 * listeners.
	 */
	void progress(int percent);

	/**
	 * Whether the job was cancelled while it runs ({@link JobQueue#cancel}). A handler
	 * that checks it can stop early; the job ends failed with the reason "cancelled"
	 * unless the handler completes it first.
	 */
	boolean isCancelled();

}
