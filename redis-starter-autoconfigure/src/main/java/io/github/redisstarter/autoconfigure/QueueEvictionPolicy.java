package io.github.redisstarter.autoconfigure;

import java.time.Duration;

import io.github.redisstarter.connection.internal.RedisServerFacts;
import io.github.redisstarter.connection.internal.ServerFacts;
import org.jspecify.annotations.Nullable;

/**
 * Whether Redis' {@code maxmemory-policy} can evict the queue's keys, from what
 * {@link ServerFacts} last read with {@code INFO} (managed services that forbid
 * {@code CONFIG} still answer it): asking sends no command. Only the {@code allkeys-*}
 * policies can, and only with a {@code maxmemory}: the queue's keys carry no TTL, and the
 * {@code volatile-*} policies evict only keys that do. Unknown (an ACL user without INFO,
 * Redis away, not read yet) says nothing.
 */
public final class QueueEvictionPolicy {

	private final ServerFacts facts;

	QueueEvictionPolicy(ServerFacts facts) {
		this.facts = facts;
	}

	/** The policy and its warning, from one reading. */
	public Reading now() {
		RedisServerFacts known = this.facts.current().facts();
		return new Reading((known != null) ? known.evictionPolicy() : null, warningFor(known));
	}

	/**
	 * The warning, waiting up to {@code wait} for Redis' first answer: for the check at
	 * startup.
	 */
	@Nullable String warningOnceRead(Duration wait) {
		return warningFor(this.facts.awaitFacts(wait));
	}

	private static @Nullable String warningFor(@Nullable RedisServerFacts facts) {
		if (facts == null || facts.eviction().risk() != RedisServerFacts.Risk.ANY_KEY) {
			return null;
		}
		return "Redis' maxmemory-policy is " + facts.eviction().policy() + ": when Redis is full it may evict the"
				+ " queue's keys, and the jobs in them are lost. Set maxmemory-policy to noeviction on the Redis that"
				+ " holds the queues";
	}

	/**
	 * @param policy the policy, such as {@code noeviction}, or {@code null} when it is
	 * not known
	 * @param warning why the policy is a risk for the queue's jobs, or {@code null} when
	 * it is not
	 */
	public record Reading(@Nullable String policy, @Nullable String warning) {
	}

}
