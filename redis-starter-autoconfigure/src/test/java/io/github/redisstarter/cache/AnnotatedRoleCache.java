package io.github.redisstarter.cache;

import java.util.List;
import java.util.Optional;

import io.github.redisstarter.cache.Roles.Role;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.interceptor.CacheInterceptor;

/**
 * The contract's cache of roles as an app gets it from Spring's annotations: methods with
 * {@code @Cacheable} and {@code @CacheEvict}, called through Spring's own cache
 * interceptor (inside the starter's {@link CachedMethodScope}) over a cache of a
 * {@link TwoLevelCacheManager}.
 */
final class AnnotatedRoleCache implements TwoLevelCache<Role> {

	private final Methods methods;

	private final Cache cache;

	private final boolean sync;

	/**
	 * @param sync whether reads use {@code @Cacheable(sync = true)} (one
	 * {@code get(key, loader)}) or the default (a look-up, the call, a put)
	 */
	AnnotatedRoleCache(Cache cache, CacheLoader<Role> loader, boolean sync) {
		this.cache = cache;
		this.sync = sync;
		CacheInterceptor interceptor = new CacheInterceptor();
		interceptor.setCacheOperationSource(new AnnotationCacheOperationSource(false));
		interceptor.setCacheResolver((context) -> List.of(cache));
		interceptor.afterSingletonsInstantiated();
		ProxyFactory proxy = new ProxyFactory(new Reader(loader));
		proxy.addInterface(Methods.class);
		proxy.addAdvice(new CachedMethodScope());
		proxy.addAdvice(interceptor);
		this.methods = (Methods) proxy.getProxy();
	}

	@Override
	public Optional<Role> get(String id) {
		return Optional.ofNullable(this.sync ? this.methods.readSync(id) : this.methods.read(id));
	}

	@Override
	public Eviction evict(String id) {
		this.methods.evict(id);
		return Eviction.EVERYWHERE;
	}

	@Override
	public Eviction evictAll() {
		this.methods.evictAll();
		return Eviction.EVERYWHERE;
	}

	@Override
	public String name() {
		return this.cache.getName();
	}

	interface Methods {

		Role read(String id);

		Role readSync(String id);

		void evict(String id);

		void evictAll();

	}

	/** An app's service: each read asks the database (the contract's loader). */
	static final class Reader implements Methods {

		private final CacheLoader<Role> loader;

		Reader(CacheLoader<Role> loader) {
			this.loader = loader;
		}

		@Override
		@Cacheable("roles")
		public Role read(String id) {
			return this.loader.load(id).orElse(null);
		}

		@Override
		@Cacheable(cacheNames = "roles", sync = true)
		public Role readSync(String id) {
			return this.loader.load(id).orElse(null);
		}

		@Override
		@CacheEvict("roles")
		public void evict(String id) {
		}

		@Override
		@CacheEvict(cacheNames = "roles", allEntries = true)
		public void evictAll() {
		}

	}

}
