package io.github.redisstarter.cache;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstarter.cache.NearLoads.Claim;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ResolvableType;

/**
 * Wraps each call of a method with Spring cache annotations, outside Spring's cache
 * interceptor, so that the {@link TwoLevelCacheManager}'s caches know two things on the
 * calling thread: the method's declared return type (values are stored as JSON of that
 * type, {@code List<Role>} rather than a list of maps), and the claims its look-ups took.
 *
 * <p>
 * Spring's interceptor looks a key up, calls the method on a miss and puts the result:
 * three steps. A miss claims the key, so that other callers of the same key in this
 * instance wait for the put instead of calling the method too (single flight without
 * {@code sync = true}). When the call ends without a put (the method threw, or
 * {@code unless} refused the result) the claim is released here and the waiting callers
 * call the method themselves.
 */
public final class CachedMethodScope implements MethodInterceptor {

	private static final ThreadLocal<@Nullable Frame> CURRENT = new ThreadLocal<>();

	/** What each method's frame knows, by method and target class. */
	private final Map<MethodClassKey, CachedMethod> methods = new ConcurrentHashMap<>();

	private final CacheOperationSource operations;

	/** Reads the annotations as Spring's {@code @EnableCaching} does. */
	public CachedMethodScope() {
		this(new AnnotationCacheOperationSource(false));
	}

	/**
	 * @param operations the cache operations of each method: the frame's type and claims
	 * apply only to the caches they name
	 */
	public CachedMethodScope(CacheOperationSource operations) {
		this.operations = operations;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		CachedMethod method = this.methods.computeIfAbsent(new MethodClassKey(invocation.getMethod(), targetClass),
				(key) -> method(invocation.getMethod(), targetClass));
		Frame frame = new Frame(CURRENT.get(), method);
		CURRENT.set(frame);
		try {
			return invocation.proceed();
		}
		finally {
			frame.releaseAll();
			// Back to the caller's frame (null outside one: cheaper than a remove, and
			// holds nothing).
			CURRENT.set(frame.parent);
		}
	}

	private CachedMethod method(Method method, Class<?> targetClass) {
		Set<String> caches = new HashSet<>();
		Collection<CacheOperation> found = this.operations.getCacheOperations(method, targetClass);
		if (found != null) {
			found.forEach((operation) -> caches.addAll(operation.getCacheNames()));
		}
		return new CachedMethod(
				ResolvableType.forMethodReturnType(AopUtils.getMostSpecificMethod(method, targetClass), targetClass),
				Set.copyOf(caches));
	}

	/**
	 * A cached method: its return type, as its target class binds the type variables, and
	 * the caches its annotations name.
	 */
	private record CachedMethod(ResolvableType returnType, Set<String> caches) {
	}

	/** The call in progress on this thread, or {@code null} outside one. */
	static @Nullable Frame current() {
		return CURRENT.get();
	}

	/** One call of an annotated method. */
	static final class Frame {

		private final @Nullable Frame parent;

		/** The method's declared return type. */
		final ResolvableType returnType;

		private final Set<String> caches;

		/** Made at the first claim: most calls hit and claim nothing. */
		private @Nullable List<Held> claims;

		private Frame(@Nullable Frame parent, CachedMethod method) {
			this.parent = parent;
			this.returnType = method.returnType();
			this.caches = method.caches();
		}

		/**
		 * Whether the method's annotations name {@code cache}: only then are its look-ups
		 * and values the method's (a cache read by hand in the method's body is not).
		 */
		boolean covers(String cache) {
			return this.caches.contains(cache);
		}

		void hold(Object cache, Claim<?> claim) {
			if (this.claims == null) {
				this.claims = new ArrayList<>(1);
			}
			this.claims.add(new Held(cache, claim));
		}

		/** The claim this call holds on {@code id} of {@code cache}, handed over. */
		@Nullable Claim<?> take(Object cache, String id) {
			if (this.claims == null) {
				return null;
			}
			for (int i = this.claims.size() - 1; i >= 0; i--) {
				Held held = this.claims.get(i);
				if (held.cache == cache && held.claim.id().equals(id)) {
					this.claims.remove(i);
					return held.claim;
				}
			}
			return null;
		}

		private void releaseAll() {
			if (this.claims != null) {
				this.claims.forEach((held) -> held.claim.release());
				this.claims = null;
			}
		}

	}

	private record Held(Object cache, Claim<?> claim) {
	}

}
