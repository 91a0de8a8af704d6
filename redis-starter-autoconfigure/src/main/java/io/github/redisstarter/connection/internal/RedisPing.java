package io.github.redisstarter.connection.internal;

import org.jspecify.annotations.Nullable;

/**
 * Sends one PING to Redis over the app's own connection; throws whatever the client
 * throws when it gets no PONG.
 */
@FunctionalInterface
public interface RedisPing {

	void ping();

	/**
	 * Opens the connection the PINGs go over, if it is not open yet, and warms it up, so
	 * that the startup PING that follows measures Redis rather than the client's cold
	 * start. Defaults to doing nothing.
	 */
	default void connect() {
	}

	/**
	 * What must happen before a probe is timed and takes more than one round trip (a
	 * cluster's topology reload); defaults to nothing.
	 */
	default void prepare() {
	}

	/**
	 * A probe that only succeeds when Redis takes writes: a short-lived key written over
	 * the app's own connection. The monitor sends it instead of PING after Redis refused
	 * writes (OOM, READONLY). Defaults to {@link #ping()}.
	 */
	default void probeWrite() {
		ping();
	}

	/**
	 * Checks that the app's Redis user has every permission the starter needs, at startup
	 * and as the probe after Redis refused the user a command. Defaults to checking
	 * nothing.
	 * @throws io.github.redisstarter.connection.RedisPermissionException naming what the
	 * user lacks
	 */
	default void checkPermissions() {
	}

	/**
	 * Redis' memory as {@code INFO memory} tells it, or {@code null} when it cannot be
	 * read (a user without the right to run INFO): the monitor asks after Redis refused
	 * writes with OOM. Defaults to {@code null}.
	 */
	default @Nullable RedisMemory memory() {
		return null;
	}

}
