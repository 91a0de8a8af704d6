package io.github.redisstarter.session;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import io.github.redisstarter.connection.Failover;
import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * The app's {@link SessionRepository}: Spring Session Data Redis'
 * {@link RedisSessionRepository} while Redis is in use, and an expiring map in this
 * instance's memory while it is away (or when no Redis is configured, for good). Every
 * Redis call goes through {@link Failover}, so an outage never reaches a request as an
 * error. What an outage means for a signed-in user:
 * <ul>
 * <li>While Redis is away, sessions are made and read in this instance's memory: they are
 * known to this instance only. A session kept in Redis cannot be read meanwhile (its user
 * is signed out on every instance), except on the instance that had read it when the
 * outage began: that request's save keeps a copy in memory.</li>
 * <li>When Redis is back, sessions are read from Redis again, and those it still holds
 * are valid again, on every instance. A session id Redis does not know is looked up in
 * this instance's memory: a session made during the outage stays valid on the instance
 * that made it, and moves to Redis, with its id, at the end of its next request, after
 * which every instance knows it. When both hold a session, the one used last wins.</li>
 * <li>A session deleted (signed out) while Redis was away is deleted from Redis when it
 * returns, so that it does not come back; and a copy an instance kept of a Redis session
 * is dropped once Redis no longer has it (signed out elsewhere, or lost).</li>
 * </ul>
 * With {@code redis-starter.mode=redis} nothing falls back: Redis failures reach the
 * request.
 */
public final class FailoverSessionRepository implements SessionRepository<FailoverSession>, BackendSwitchListener {

	private final @Nullable SessionRepository<Session> redis;

	private final @Nullable KeptIds redisIds;

	private final MemorySessions memory;

	private final Failover failover;

	/**
	 * Sessions deleted while Redis could not be told, to delete there once it returns.
	 */
	private final Cache<String, Boolean> deletedWhileAway;

	/**
	 * Sessions of Redis this instance kept a copy of while Redis was away: when Redis has
	 * them no more (signed out elsewhere, expired, lost), the copy must not bring them
	 * back.
	 */
	private final Cache<String, Boolean> copiedFromRedis;

	/**
	 * @param redis the Redis side, or {@code null} when no Redis is configured: sessions
	 * are then kept in memory only
	 * @param ids the generator of session ids the Redis side was given ({@code null} with
	 * no Redis side)
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	FailoverSessionRepository(@Nullable RedisSessionRepository redis, @Nullable KeptIds ids, Failover failover,
			SessionSettings settings) {
		// Its session type is not public: its sessions are handled as Sessions.
		this.redis = (SessionRepository) redis;
		this.redisIds = ids;
		this.memory = new MemorySessions(settings);
		this.failover = failover;
		Duration forget = settings.maxInactiveInterval().isNegative() ? Duration.ofDays(1)
				: settings.maxInactiveInterval();
		this.deletedWhileAway = Caffeine.newBuilder()
			.maximumSize(settings.memoryMaxSessions())
			.expireAfterWrite(forget)
			.build();
		this.copiedFromRedis = Caffeine.newBuilder()
			.maximumSize(settings.memoryMaxSessions())
			.expireAfterWrite(forget)
			.build();
	}

	private boolean usesRedis() {
		return this.redis != null && this.failover.state().usesRedis();
	}

	@Override
	public FailoverSession createSession() {
		// Nothing is sent yet: a new session goes where the backend is now, and its save
		// follows the backend then.
		return new FailoverSession(usesRedis() ? redis().createSession() : this.memory.create());
	}

	@Override
	public void save(FailoverSession session) {
		Session saved = session.delegate();
		if (saved instanceof MapSession inMemory) {
			if (usesRedis()) {
				this.failover.run(() -> moveToRedis(session, inMemory), () -> this.memory.save(inMemory));
			}
			else {
				this.memory.save(inMemory);
			}
			return;
		}
		this.failover.run(() -> redis().save(saved), () -> keepInMemory(session, saved));
	}

	/**
	 * A session of this instance's memory, saved while Redis is in use: written to Redis
	 * with its id, and dropped from memory.
	 */
	private void moveToRedis(FailoverSession session, MapSession inMemory) {
		Session moved = redisIds().withId(inMemory.getId(), redis()::createSession);
		for (String name : inMemory.getAttributeNames()) {
			moved.setAttribute(name, inMemory.getAttribute(name));
		}
		moved.setMaxInactiveInterval(inMemory.getMaxInactiveInterval());
		moved.setLastAccessedTime(inMemory.getLastAccessedTime());
		// An older copy Redis may hold must not lend the moved session attributes it no
		// longer has.
		redis().deleteById(inMemory.getId());
		redis().save(moved);
		session.moveTo(moved);
		this.memory.delete(inMemory.getOriginalId());
		this.memory.delete(inMemory.getId());
		this.copiedFromRedis.invalidate(inMemory.getOriginalId());
		this.copiedFromRedis.invalidate(inMemory.getId());
	}

	/**
	 * A Redis session saved while Redis is away: kept in memory from now on, with
	 * everything it holds.
	 */
	private void keepInMemory(FailoverSession session, Session fromRedis) {
		MapSession copy = new MapSession(fromRedis);
		this.memory.save(copy);
		this.copiedFromRedis.put(copy.getId(), Boolean.TRUE);
		session.moveTo(copy);
	}

	@Override
	public @Nullable FailoverSession findById(String id) {
		if (!usesRedis()) {
			return inMemory(id);
		}
		return this.failover.call(() -> findOnRedis(id), () -> inMemory(id));
	}

	private @Nullable FailoverSession findOnRedis(String id) {
		if (this.deletedWhileAway.getIfPresent(id) != null) {
			redis().deleteById(id);
			this.deletedWhileAway.invalidate(id);
			return null;
		}
		Session inRedis = redis().findById(id);
		MapSession inMemory = this.memory.find(id);
		if (inMemory != null && inRedis == null && this.copiedFromRedis.getIfPresent(id) != null) {
			// A copy of a session Redis no longer has: it ended there.
			this.memory.delete(id);
			this.copiedFromRedis.invalidate(id);
			return null;
		}
		if (inMemory != null
				&& (inRedis == null || inMemory.getLastAccessedTime().isAfter(inRedis.getLastAccessedTime()))) {
			// Made or used here while Redis was away: its next save moves it to Redis.
			return new FailoverSession(inMemory);
		}
		if (inMemory != null) {
			this.memory.delete(id);
			this.copiedFromRedis.invalidate(id);
		}
		return (inRedis != null) ? new FailoverSession(inRedis) : null;
	}

	private @Nullable FailoverSession inMemory(String id) {
		MapSession found = this.memory.find(id);
		return (found != null) ? new FailoverSession(found) : null;
	}

	@Override
	public void deleteById(String id) {
		this.memory.delete(id);
		this.copiedFromRedis.invalidate(id);
		if (this.redis == null) {
			return;
		}
		this.failover.run(() -> {
			this.redis.deleteById(id);
			this.deletedWhileAway.invalidate(id);
		}, () -> this.deletedWhileAway.put(id, Boolean.TRUE));
	}

	/**
	 * How many sessions this instance keeps in memory now (made or used while Redis was
	 * away, or all of them without Redis), the expired ones dropped first.
	 */
	public long sessionsInMemory() {
		return this.memory.count();
	}

	/** Deletes from Redis the sessions deleted while it was away. */
	@Override
	public void onSwitch(BackendSwitch change) {
		if (change.to() != BackendMode.REDIS || this.redis == null) {
			return;
		}
		Set<String> deleted = Set.copyOf(this.deletedWhileAway.asMap().keySet());
		for (String id : deleted) {
			if (!this.failover.state().usesRedis()) {
				return;
			}
			this.failover.run(() -> {
				this.redis.deleteById(id);
				this.deletedWhileAway.invalidate(id);
			}, () -> {
			});
		}
	}

	@Override
	public @Nullable String whileAway() {
		if (this.redis == null) {
			return null;
		}
		return "sessions are made and read in this instance's memory (sessions kept in Redis cannot be read until it"
				+ " returns; those made meanwhile move to Redis on their first request after it)";
	}

	private SessionRepository<Session> redis() {
		if (this.redis == null) {
			throw new IllegalStateException("No Redis side");
		}
		return this.redis;
	}

	private KeptIds redisIds() {
		if (this.redisIds == null) {
			throw new IllegalStateException("No Redis side");
		}
		return this.redisIds;
	}

	/**
	 * The Redis side's session ids: Spring Session's random ones, or, while a session
	 * moves from memory to Redis, the id it had.
	 */
	static final class KeptIds implements SessionIdGenerator {

		private final SessionIdGenerator random = UuidSessionIdGenerator.getInstance();

		private final ThreadLocal<String> next = new ThreadLocal<>();

		@Override
		public String generate() {
			String kept = this.next.get();
			if (kept != null) {
				this.next.remove();
				return kept;
			}
			return this.random.generate();
		}

		<T> T withId(String id, Supplier<T> create) {
			this.next.set(id);
			try {
				return create.get();
			}
			finally {
				this.next.remove();
			}
		}

	}

}
