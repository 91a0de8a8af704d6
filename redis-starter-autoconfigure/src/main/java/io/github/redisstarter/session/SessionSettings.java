package io.github.redisstarter.session;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of the sessions.
 *
 * @param maxInactiveInterval how long a session lives without a request (negative: for
 * ever), for sessions made from now on
 * @param keyPrefix what every session key in Redis starts with, before
 * {@code :sessions:<id>}: Spring Session's own namespace by default, so that sessions
 * Spring Session stored stay readable
 * @param memoryMaxSessions the most sessions this instance keeps in memory (while Redis
 * is away, or when none is configured); beyond it, the least recently used are dropped
 */
public record SessionSettings(Duration maxInactiveInterval, String keyPrefix, int memoryMaxSessions) {

	/** Spring Session's default namespace. */
	public static final String DEFAULT_KEY_PREFIX = "spring:session";

	public static final int DEFAULT_MEMORY_MAX_SESSIONS = 100_000;

	/** Spring Session's default: 30 minutes. */
	public static final Duration DEFAULT_MAX_INACTIVE_INTERVAL = Duration.ofMinutes(30);

	private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

	public SessionSettings {
		if (maxInactiveInterval == null || maxInactiveInterval.isZero()) {
			throw new IllegalArgumentException(
					"'maxInactiveInterval' must be a positive duration (or negative: never expire), got "
							+ maxInactiveInterval);
		}
		if (keyPrefix == null || !KEY_PREFIX.matcher(keyPrefix).matches()) {
			throw new IllegalArgumentException(
					"'keyPrefix' must be 1 to 64 letters, digits, '.', '_', '-' or ':', got '" + keyPrefix + "'");
		}
		if (memoryMaxSessions <= 0) {
			throw new IllegalArgumentException("'memoryMaxSessions' must be positive, got " + memoryMaxSessions);
		}
	}

	public static SessionSettings defaults() {
		return new SessionSettings(DEFAULT_MAX_INACTIVE_INTERVAL, DEFAULT_KEY_PREFIX, DEFAULT_MEMORY_MAX_SESSIONS);
	}

	public SessionSettings withMaxInactiveInterval(Duration interval) {
		return new SessionSettings(interval, this.keyPrefix, this.memoryMaxSessions);
	}

}
