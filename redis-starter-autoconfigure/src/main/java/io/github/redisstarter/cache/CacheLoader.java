package io.github.redisstarter.cache;

import java.util.Optional;

/**
 * Loads a value from the source of truth (the app's database) on a cache miss. Empty
 * means "no such value", which is cached as a miss for the cache's negative TTL. An
 * exception reaches the caller and nothing is cached.
 */
@FunctionalInterface
public interface CacheLoader<V> {

	Optional<V> load(String id);

}
