package io.github.redisstarter.connection;

/** Where the capabilities keep their state right now. */
public enum BackendMode {

	/** Redis: state shared by every instance of the app. */
	REDIS,

	/** The in-memory twins: state local to this instance. */
	MEMORY

}
