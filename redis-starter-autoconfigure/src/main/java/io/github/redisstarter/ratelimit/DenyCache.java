package io.github.redisstarter.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.redisstarter.connection.internal.RedisKeyEncoding;
import org.jspecify.annotations.Nullable;

/**
 * Remembers recent denials so that a client that keeps knocking is answered locally until
 * its retry time, at no cost to Redis. A denial for a cost covers later requests of that
 * cost or more; a smaller request still asks Redis. The cache is per instance: a
 * {@link RateLimiter#reset reset} on another instance is seen here once the retry time
 * passes.
 */
final class DenyCache {

	private final Cache<Key, Denial> denials;

	DenyCache(long maxEntries) {
		this.denials = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maxEntries)
			.expireAfter(new Expiry<Key, Denial>() {

				@Override
				public long expireAfterCreate(Key key, Denial denial, long currentTime) {
					return Math.max(0, denial.untilNanos - currentTime);
				}

				@Override
				public long expireAfterUpdate(Key key, Denial denial, long currentTime, long currentDuration) {
					return Math.max(0, denial.untilNanos - currentTime);
				}

				@Override
				public long expireAfterRead(Key key, Denial denial, long currentTime, long currentDuration) {
					return currentDuration;
				}

			})
			.build();
	}

	/** The local answer for this request, or {@code null} when Redis must be asked. */
	@Nullable Decision lookup(RateLimit limit, String key, long cost) {
		Denial denial = this.denials.getIfPresent(new Key(limit.name(), RedisKeyEncoding.compact(key)));
		if (denial == null || cost < denial.cost) {
			return null;
		}
		long now = System.nanoTime();
		if (now >= denial.untilNanos) {
			return null;
		}
		Decision at = denial.decision;
		Duration elapsed = Duration.ofNanos(now - denial.atNanos);
		Duration resetAfter = at.resetAfter().minus(elapsed);
		return new Decision(false, at.limit(), at.remaining(), Duration.ofNanos(denial.untilNanos - now),
				resetAfter.isNegative() ? Duration.ZERO : resetAfter, at.band(), Decision.Source.DENY_CACHE);
	}

	void remember(RateLimit limit, String key, long cost, Decision denied) {
		long now = System.nanoTime();
		this.denials.put(new Key(limit.name(), RedisKeyEncoding.compact(key)),
				new Denial(denied, cost, now, now + denied.retryAfter().toNanos()));
	}

	void forget(RateLimit limit, String key) {
		this.denials.invalidate(new Key(limit.name(), RedisKeyEncoding.compact(key)));
	}

	/** The keys kept, as kept: long keys as their digests. */
	java.util.List<String> keptKeys() {
		return this.denials.asMap().keySet().stream().map(Key::key).toList();
	}

	private record Key(String limit, String key) {
	}

	private record Denial(Decision decision, long cost, long atNanos, long untilNanos) {
	}

}
