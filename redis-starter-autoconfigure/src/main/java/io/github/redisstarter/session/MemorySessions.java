package io.github.redisstarter.session;

import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Scheduler;
import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;

/**
 * This instance's sessions: Spring Session's {@link MapSessionRepository} over a map that
 * drops each session once it has been inactive for its max inactive interval (Spring
 * Session's map keeps an expired session until someone asks for it; Caffeine's timer
 * wheel evicts it within about a second of its expiry), and the least recently used
 * beyond a maximum count.
 */
final class MemorySessions {

	private final Cache<String, Session> sessions;

	private final MapSessionRepository repository;

	MemorySessions(SessionSettings settings) {
		this.sessions = Caffeine.newBuilder()
			.maximumSize(settings.memoryMaxSessions())
			.expireAfter(new UntilInactive())
			// Evicted on time even when no request comes (else at the next read or
			// write); an expired session is never found from the moment it expires.
			.scheduler(Scheduler.systemScheduler())
			.build();
		this.repository = new MapSessionRepository(this.sessions.asMap());
		this.repository.setDefaultMaxInactiveInterval(settings.maxInactiveInterval());
	}

	MapSession create() {
		return this.repository.createSession();
	}

	void save(MapSession session) {
		this.repository.save(session);
	}

	@Nullable MapSession find(String id) {
		return this.repository.findById(id);
	}

	void delete(String id) {
		this.repository.deleteById(id);
	}

	/** How many sessions this instance holds now, the expired ones dropped first. */
	long count() {
		this.sessions.cleanUp();
		return this.sessions.estimatedSize();
	}

	/** A session lives until its last access plus its max inactive interval. */
	private static final class UntilInactive implements Expiry<String, Session> {

		@Override
		public long expireAfterCreate(String id, Session session, long currentTime) {
			return remainingNanos(session);
		}

		@Override
		public long expireAfterUpdate(String id, Session session, long currentTime, long currentDuration) {
			return remainingNanos(session);
		}

		@Override
		public long expireAfterRead(String id, Session session, long currentTime, long currentDuration) {
			return currentDuration;
		}

		private static long remainingNanos(Session session) {
			Duration interval = session.getMaxInactiveInterval();
			if (interval.isNegative()) {
				return Long.MAX_VALUE;
			}
			Duration remaining = Duration.between(Instant.now(), session.getLastAccessedTime().plus(interval));
			if (remaining.isNegative()) {
				return 0;
			}
			try {
				return remaining.toNanos();
			}
			catch (ArithmeticException ex) {
				return Long.MAX_VALUE;
			}
		}

	}

}
