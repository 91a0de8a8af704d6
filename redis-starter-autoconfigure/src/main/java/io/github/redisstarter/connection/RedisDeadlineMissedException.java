package io.github.redisstarter.connection;

import org.springframework.dao.QueryTimeoutException;

/**
 * A Redis call that did not answer within the starter's call deadline, which follows what
 * Redis usually takes between {@code redis-starter.call-deadline} and
 * {@code redis-starter.max-call-deadline}. The call is abandoned (it may still run in
 * Redis later) and the caller is answered by the in-memory twin; a miss switches nothing
 * by itself, only a Redis found hung does. A Spring {@link QueryTimeoutException}, as
 * Spring Data Redis reports a command timeout, so that an app handles both alike.
 */
public final class RedisDeadlineMissedException extends QueryTimeoutException {

	public RedisDeadlineMissedException(String message) {
		super(message);
	}

}
