package io.github.redisstarter.connection;

/** How the backend is chosen: the {@code redis-starter.mode} setting. */
public enum BackendSelection {

	/**
	 * Redis when it is configured and answers, the in-memory twins otherwise; switches
	 * both ways at runtime.
	 */
	AUTO,

	/**
	 * Always Redis: calls fail while it is away, and the connection keeps retrying in the
	 * background.
	 */
	REDIS,

	/** Always the in-memory twins: Redis is never contacted. */
	MEMORY

}
