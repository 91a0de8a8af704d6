package io.github.redisstarter.cache;

/**
 * What an eviction achieved when {@link TwoLevelCache#evict(String)} or
 * {@link TwoLevelCache#evictAll()} returned.
 */
public enum Eviction {

	/**
	 * Every instance on Redis has dropped its copy: a read that starts now, on any of
	 * them, does not return the old value. Either every instance that received the
	 * invalidation acknowledged it, or the subscription lease ran out for those that did
	 * not (they no longer trust their copies). Also the answer of a cache without Redis:
	 * this instance is the only one.
	 */
	EVERYWHERE,

	/**
	 * Redis took the eviction and the invalidation is on its way (a cache with
	 * {@code acknowledge-evictions=false}): other instances drop their copies when it
	 * reaches them, within the subscription lease.
	 */
	PUBLISHED,

	/**
	 * Redis could not take the eviction now (it is away, or did not answer in time, or
	 * this instance is still delivering evictions that Redis missed before): this
	 * instance dropped its copy, and retries the eviction in the background until Redis
	 * takes it; until then, other instances may return the old value from Redis. Act on
	 * it where that matters (retry the request, or tell the user the change takes a
	 * moment).
	 */
	PENDING;

	/** Whether Redis took the eviction. */
	public boolean reachedRedis() {
		return this != PENDING;
	}

}
