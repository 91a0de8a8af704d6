package io.github.redisstarter.connection;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when {@code redis-starter.required=true} and Redis is not configured
 * or does not answer. The message names the endpoint and the cause, never a secret.
 */
public class RedisUnreachableException extends RuntimeException {

	private final @Nullable RedisEndpoint endpoint;

	private final String cause;

	public RedisUnreachableException(@Nullable RedisEndpoint endpoint, String cause) {
		super((endpoint != null) ? "Redis at " + endpoint + " is unreachable (" + cause + ")"
				: "No Redis is configured (" + cause + ")");
		this.endpoint = endpoint;
		this.cause = cause;
	}

	/** Where Redis was expected, or {@code null} when none is configured. */
	public @Nullable RedisEndpoint getEndpoint() {
		return this.endpoint;
	}

	/** Why it could not be used, masked. */
	public String getCauseDescription() {
		return this.cause;
	}

}
