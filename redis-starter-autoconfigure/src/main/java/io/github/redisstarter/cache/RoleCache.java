package io.github.redisstarter.cache;

import java.util.Objects;
import java.util.Optional;

/**
 * Roles and their permissions, cached in front of the app's database: the starter's
 * {@link TwoLevelCache} named {@value #NAME}, loading through the app's
 * {@link RoleLoader}.
 *
 * @param <R> the app's role type, stored in Redis as JSON
 */
public final class RoleCache<R> {

	/**
	 * The cache's name, under which its settings
	 * ({@code redis-starter.cache.caches.roles.*}) and metrics are found.
	 */
	public static final String NAME = "roles";

	private final TwoLevelCache<R> cache;

	public RoleCache(TwoLevelCache<R> cache) {
		this.cache = Objects.requireNonNull(cache, "'cache' must not be null");
	}

	/** The role, from cache or from the loader; empty for an unknown id. */
	public Optional<R> get(String id) {
		return this.cache.get(id);
	}

	/**
	 * Call after changing a role: every instance forgets it.
	 * @return what the eviction achieved (see {@link TwoLevelCache#evict(String)})
	 */
	public Eviction evict(String id) {
		return this.cache.evict(id);
	}

	/** Call after a bulk change: every instance forgets every role. */
	public Eviction evictAll() {
		return this.cache.evictAll();
	}

	public TwoLevelCache<R> cache() {
		return this.cache;
	}

}
