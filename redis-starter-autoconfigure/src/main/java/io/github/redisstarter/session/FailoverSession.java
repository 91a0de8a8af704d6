package io.github.redisstarter.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;
import org.springframework.session.Session;

/**
 * A session of {@link FailoverSessionRepository}: one kept in Redis, or one kept in this
 * instance's memory. Which it is can change when it is saved: a Redis session saved while
 * Redis is away is kept in memory from then on, and a memory session saved while Redis is
 * in use moves to Redis, keeping its id.
 */
public final class FailoverSession implements Session {

	private Session delegate;

	FailoverSession(Session delegate) {
		this.delegate = delegate;
	}

	/** Whether this session is kept in Redis (else in this instance's memory). */
	public boolean inRedis() {
		return !(this.delegate instanceof MapSession);
	}

	Session delegate() {
		return this.delegate;
	}

	void moveTo(Session other) {
		this.delegate = other;
	}

	@Override
	public String getId() {
		return this.delegate.getId();
	}

	@Override
	public String changeSessionId() {
		return this.delegate.changeSessionId();
	}

	@Override
	public <T> @Nullable T getAttribute(String attributeName) {
		return this.delegate.getAttribute(attributeName);
	}

	@Override
	public Set<String> getAttributeNames() {
		return this.delegate.getAttributeNames();
	}

	@Override
	public void setAttribute(String attributeName, @Nullable Object attributeValue) {
		this.delegate.setAttribute(attributeName, attributeValue);
	}

	@Override
	public void removeAttribute(String attributeName) {
		this.delegate.removeAttribute(attributeName);
	}

	@Override
	public Instant getCreationTime() {
		return this.delegate.getCreationTime();
	}

	@Override
	public void setLastAccessedTime(Instant lastAccessedTime) {
		this.delegate.setLastAccessedTime(lastAccessedTime);
	}

	@Override
	public Instant getLastAccessedTime() {
		return this.delegate.getLastAccessedTime();
	}

	@Override
	public void setMaxInactiveInterval(Duration interval) {
		this.delegate.setMaxInactiveInterval(interval);
	}

	@Override
	public Duration getMaxInactiveInterval() {
		return this.delegate.getMaxInactiveInterval();
	}

	@Override
	public boolean isExpired() {
		return this.delegate.isExpired();
	}

	@Override
	public String toString() {
		return "FailoverSession[" + (inRedis() ? "redis" : "memory") + "]";
	}

}
