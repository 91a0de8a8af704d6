package io.github.redisstarter.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring's {@link CacheManager} over two-level caches, so that {@code @Cacheable},
 * {@code @CachePut}, {@code @CacheEvict} and {@code @Caching} get what
 * {@link TwoLevelCache} gives: a near cache per instance in front of Redis, evictions
 * that reach every instance before they return, nothing cached before an outage trusted
 * after it, values kept no longer than the degraded TTL while Redis is away, one
 * computation per key at a time in each instance. A cache is made at its first use, with
 * the settings configured for its name ({@code redis-starter.cache.caches.<name>.*}).
 *
 * <p>
 * Values are stored as JSON of the cached method's declared return type, and read back
 * only as types of the trusted packages or common JDK value types.
 * {@link CachedMethodScope} must wrap the annotated methods for the declared types and
 * for single flight without {@code sync = true}; the starter's auto-configuration
 * registers it.
 */
public final class TwoLevelCacheManager implements CacheManager {

	private final TwoLevelCacheFactory factory;

	private final List<String> trustedPackages;

	private final boolean allowNullValues;

	private final Map<String, Cache> caches = new ConcurrentHashMap<>();

	/**
	 * @param factory makes the caches, with their settings by name
	 * @param trustedPackages the packages (with their subpackages) whose types values may
	 * be read back as, besides common JDK types: usually the application's
	 * @param allowNullValues whether {@code null} results are cached (as "none", for the
	 * negative TTL), as Spring's caches do by default
	 * @param cacheNames caches made at once; others are made at their first use
	 */
	public TwoLevelCacheManager(TwoLevelCacheFactory factory, Collection<String> trustedPackages,
			boolean allowNullValues, Collection<String> cacheNames) {
		this.factory = Objects.requireNonNull(factory, "'factory' must not be null");
		this.trustedPackages = List.copyOf(trustedPackages);
		this.allowNullValues = allowNullValues;
		cacheNames.forEach(this::getCache);
	}

	/**
	 * @throws IllegalArgumentException when {@code name} is not 1 to 64 letters, digits,
	 * '.', '_' or '-', or names a cache made otherwise (the RoleCache's "roles")
	 */
	@Override
	public @Nullable Cache getCache(String name) {
		return this.caches.computeIfAbsent(name, (key) -> {
			try {
				return new TwoLevelSpringCache(
						this.factory.createSettable(key,
								new SpringValueCodec(key, this.factory.mapper(), this.trustedPackages)),
						this.allowNullValues);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"The cache name '" + key + "' of a cache annotation cannot be used: " + ex.getMessage(), ex);
			}
		});
	}

	@Override
	public Collection<String> getCacheNames() {
		return Collections.unmodifiableSet(this.caches.keySet());
	}

}
