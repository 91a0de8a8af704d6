package io.github.redisstarter.cache;

import java.util.Optional;

/**
 * What a cache filled by its callers needs beyond {@link TwoLevelCache}: a loader per
 * call, a look-up that loads nothing, and a put. Spring's cache abstraction asks for
 * these ({@link TwoLevelCacheManager}); each side of a cache implements them with the
 * same rules as its reads.
 */
interface SettableCache<V> extends TwoLevelCache<V> {

	/** {@link #get(String)} with the caller's loader in place of the cache's own. */
	Optional<V> get(String id, CacheLoader<V> loader);

	/**
	 * The value kept for {@code id} here or in Redis, loading nothing; on a miss perhaps
	 * a claim, which the caller fills with what it computed or releases.
	 */
	NearLoads.Lookup<V> lookup(String id);

	/**
	 * Keeps {@code value} for {@code id} in place of what any instance kept: as
	 * {@link #evict(String)} followed by a store.
	 * @return what the eviction of the old value achieved: {@link Eviction#PENDING} when
	 * Redis could not take it now (it is retried, and the value is kept nowhere, or by
	 * this instance's twin for the degraded time once the backend has switched to it)
	 */
	Eviction put(String id, Optional<V> value);

}
