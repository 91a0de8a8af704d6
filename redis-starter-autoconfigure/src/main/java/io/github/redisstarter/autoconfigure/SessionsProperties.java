package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.session.SessionSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the HTTP sessions ({@code redis-starter.sessions.*}). How long a session
 * lives is Boot's {@code spring.session.timeout}, else
 * {@code server.servlet.session.timeout} (30 minutes by default).
 */
@ConfigurationProperties("redis-starter.sessions")
public class SessionsProperties {

	/**
	 * Whether the starter stores the HTTP sessions of a servlet app that has Spring
	 * Session Data Redis on its classpath: in Redis while it is in use, in memory
	 * otherwise. Off, Spring Boot's own session auto-configuration applies.
	 */
	private boolean enabled = true;

	/**
	 * What every session key in Redis starts with, before ':sessions:<id>'. Spring
	 * Session's own default, so that sessions it stored stay readable.
	 */
	private String keyPrefix = SessionSettings.DEFAULT_KEY_PREFIX;

	/**
	 * The most sessions one instance keeps in memory (while Redis is away, or when none
	 * is configured); beyond it, the least recently used are dropped (their users sign in
	 * again).
	 */
	private int memoryMaxSessions = SessionSettings.DEFAULT_MEMORY_MAX_SESSIONS;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public int getMemoryMaxSessions() {
		return this.memoryMaxSessions;
	}

	public void setMemoryMaxSessions(int memoryMaxSessions) {
		this.memoryMaxSessions = memoryMaxSessions;
	}

}
