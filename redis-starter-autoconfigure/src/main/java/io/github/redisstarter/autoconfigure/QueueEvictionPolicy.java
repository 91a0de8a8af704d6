package io.github.redisstarter.autoconfigure;

import java.util.Properties;

import io.github.redisstarter.connection.internal.RedisMemory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Whether Redis' {@code maxmemory-policy} can evict the queue's keys: read from
 * {@code INFO memory} (managed services that forbid {@code CONFIG} still answer it), at
 * most once a minute. Only the {@code allkeys-*} policies can: the queue's keys carry no
 * TTL, and the {@code volatile-*} policies evict only keys that do. Unknown (an ACL user
 * without INFO, Redis away) says nothing.
 */
public final class QueueEvictionPolicy {

	private static final long TTL_NANOS = 60_000_000_000L;

	private final RedisConnectionFactory factory;

	private volatile @Nullable String policy;

	private volatile long readAt;

	public QueueEvictionPolicy(RedisConnectionFactory factory) {
		this.factory = factory;
	}

	/** The policy, such as {@code noeviction}, or {@code null} when it cannot be read. */
	public @Nullable String policy() {
		long now = System.nanoTime();
		if (this.readAt != 0 && now - this.readAt < TTL_NANOS) {
			return this.policy;
		}
		String read = null;
		try (RedisConnection connection = this.factory.getConnection()) {
			Properties info = connection.serverCommands().info("memory");
			RedisMemory memory = (info != null) ? RedisMemory.of(info) : null;
			read = (memory != null && !memory.policy().isEmpty()) ? memory.policy() : null;
		}
		catch (RuntimeException ex) {
			// not allowed, or away: unknown
		}
		this.policy = read;
		this.readAt = now;
		return read;
	}

	/** Why the policy is a risk for the queue's jobs, or {@code null} when it is not. */
	public @Nullable String warning() {
		return warningFor(policy());
	}

	/** {@link #warning()} for a policy read already. */
	public static @Nullable String warningFor(@Nullable String current) {
		if (current == null || !current.startsWith("allkeys-")) {
			return null;
		}
		return "Redis' maxmemory-policy is " + current + ": when Redis is full it may evict the queue's keys, and"
				+ " the jobs in them are lost. Set maxmemory-policy to noeviction (or a volatile-* policy) on the"
				+ " Redis that holds the queues";
	}

}
