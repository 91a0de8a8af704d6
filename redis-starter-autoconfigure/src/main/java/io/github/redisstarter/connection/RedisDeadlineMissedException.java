package io.github.redisstarter.connection;

import io.lettuce.core.RedisCommandTimeoutException;

/**
 * A Redis call that did not answer within the starter's short call deadline ({@code redis-starter.call-deadline}).
 * The call is abandoned (it may still run in Redis later) and the caller is answered by the in-memory twin; only
 * {@code redis-starter.deadline-misses} misses in a row count as an outage (see {@link BackendState#reportFailure}).
 */
public final class RedisDeadlineMissedException extends RedisCommandTimeoutException {

	public RedisDeadlineMissedException(String message) {
		super(message);
	}

}
