package io.github.redisstarter.cache;

import java.util.Optional;

/**
 * A read-through cache of values by id, kept in two levels: a small, short-lived near
 * cache in each instance (L1) in front of Redis (L2), shared by every instance. Values
 * come from a {@link CacheLoader} on a miss; an empty answer is cached too, for a shorter
 * time.
 *
 * <p>
 * An eviction reaches every instance: it removes the value from Redis and tells the
 * others to drop their near copy. While Redis is away the cache keeps answering from the
 * loader, with near copies that live no longer than a short degraded time, and when Redis
 * returns nothing cached before the outage is trusted again.
 */
public interface TwoLevelCache<V> {

	/**
	 * The value for {@code id}: from this instance's near cache, from Redis, or from the
	 * loader (once per instance, however many callers ask at the same moment).
	 * @throws IllegalArgumentException when {@code id} is blank
	 * @throws RuntimeException whatever the loader threw; nothing is cached then
	 */
	Optional<V> get(String id);

	/**
	 * Forgets the value for {@code id} in every instance. By default it returns once
	 * every instance on Redis has dropped its copy, so that a read that starts after it,
	 * anywhere, gets the new value.
	 * @return what the eviction achieved: {@link Eviction#PENDING} when Redis could not
	 * take it now (it is retried)
	 */
	Eviction evict(String id);

	/**
	 * Forgets every value of this cache in every instance; returns as
	 * {@link #evict(String)} does.
	 */
	Eviction evictAll();

	/** The cache's name: it tags metrics and scopes the Redis keys. */
	String name();

}
