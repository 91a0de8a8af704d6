package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock that moves only when told to, so that refill can be tested without sleeping.
 */
final class ManualClock implements InstantSource {

	private volatile Instant now = Instant.parse("2026-11-26T10:00:00.123456Z");

	@Override
	public Instant instant() {
		return this.now;
	}

	void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

}
