package io.github.redisstarter.cache;

import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.cache.NearLoads.Claim;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
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

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		Frame frame = new Frame(CURRENT.get(), ResolvableType
			.forMethodReturnType(AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass)));
		CURRENT.set(frame);
		try {
			return invocation.proceed();
		}
		finally {
			frame.releaseAll();
			if (frame.parent != null) {
				CURRENT.set(frame.parent);
			}
			else {
				CURRENT.remove();
			}
		}
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

		private final List<Held> claims = new ArrayList<>(1);

		private Frame(@Nullable Frame parent, ResolvableType returnType) {
			this.parent = parent;
			this.returnType = returnType;
		}

		void hold(Object cache, Claim<?> claim) {
			this.claims.add(new Held(cache, claim));
		}

		/** The claim this call holds on {@code id} of {@code cache}, handed over. */
		@Nullable Claim<?> take(Object cache, String id) {
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
			this.claims.forEach((held) -> held.claim.release());
			this.claims.clear();
		}

	}

	private record Held(Object cache, Claim<?> claim) {
	}

}
