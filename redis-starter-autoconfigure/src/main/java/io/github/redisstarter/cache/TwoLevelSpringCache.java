package io.github.redisstarter.cache;

import java.lang.reflect.Field;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.github.redisstarter.cache.NearLoads.Claim;
import io.github.redisstarter.connection.internal.CallerText;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.util.ReflectionUtils;

/**
 * One of the {@link TwoLevelCacheManager}'s caches: Spring's {@code Cache} over a
 * {@link SettableCache}, so that the annotations get what {@link TwoLevelCache} gives.
 * Keys become ids by their {@code toString()}: a String key is its own id, and Spring's
 * {@code SimpleKey} of several arguments reads {@code SimpleKey ["a", 2]}, its String
 * elements quoted so that no two keys of one method meet. {@code null} values are cached
 * as "none", for the negative TTL, unless the manager refuses them.
 */
final class TwoLevelSpringCache extends AbstractValueAdaptingCache {

	/** SimpleKey keeps its elements to itself. */
	private static final Field SIMPLE_KEY_PARAMETERS = simpleKeyParameters();

	private final SettableCache<Object> cache;

	TwoLevelSpringCache(SettableCache<Object> cache, boolean allowNullValues) {
		super(allowNullValues);
		this.cache = cache;
	}

	@Override
	public String getName() {
		return this.cache.name();
	}

	@Override
	public Object getNativeCache() {
		return this.cache;
	}

	/**
	 * The stored value: {@link NullValue} for a cached {@code null}, {@code null} for
	 * none. A miss inside a call of an annotated method claims the key until the call
	 * puts its result or ends ({@link CachedMethodScope}).
	 */
	@Override
	protected @Nullable Object lookup(Object key) {
		NearLoads.Lookup<Object> found = this.cache.lookup(id(key));
		if (found.value() != null) {
			return found.value().isPresent() ? found.value().get() : NullValue.INSTANCE;
		}
		Claim<Object> claim = found.claim();
		if (claim != null) {
			CachedMethodScope.Frame frame = CachedMethodScope.current();
			if (frame != null && frame.covers(getName())) {
				frame.hold(this, claim);
			}
			else {
				claim.release();
			}
		}
		return null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		Optional<Object> value = this.cache.get(id(key), (id) -> {
			Object loaded;
			try {
				loaded = valueLoader.call();
			}
			catch (Exception ex) {
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			if (loaded == null && !isAllowNullValues()) {
				toStoreValue(null);
			}
			return Optional.ofNullable(loaded);
		});
		return (T) value.orElse(null);
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		String id = id(key);
		if (value == null) {
			// Refused with Spring's own message when nulls are not allowed.
			toStoreValue(null);
		}
		CachedMethodScope.Frame frame = CachedMethodScope.current();
		@SuppressWarnings("unchecked")
		Claim<Object> claim = (frame != null) ? (Claim<Object>) frame.take(this, id) : null;
		if (claim != null) {
			// The result of the call whose look-up missed: stored unless an eviction came
			// since the miss, and handed to the callers waiting for it.
			claim.fill(Optional.ofNullable(value));
		}
		else {
			try {
				this.cache.put(id, Optional.ofNullable(value));
			}
			catch (RuntimeException ex) {
				// The app changed the value (a @CachePut ran its method): when the new
				// one
				// cannot be kept, no instance may keep serving the old one.
				try {
					this.cache.evict(id);
				}
				catch (RuntimeException evictionFailed) {
					ex.addSuppressed(evictionFailed);
				}
				throw ex;
			}
		}
	}

	@Override
	public void evict(Object key) {
		this.cache.evict(id(key));
	}

	@Override
	public void clear() {
		this.cache.evictAll();
	}

	private String id(Object key) {
		String id;
		if (key instanceof String text) {
			id = text;
		}
		else if (key instanceof SimpleKey simple) {
			// Its own text does not tell ("a, b", "c") from ("a", "b, c"): each element
			// is quoted.
			StringBuilder text = new StringBuilder("SimpleKey [");
			Object[] parameters = simpleKeyParameters(simple);
			for (int i = 0; i < parameters.length; i++) {
				text.append((i > 0) ? ", " : "").append(element(parameters[i]));
			}
			id = text.append(']').toString();
		}
		else {
			id = element(key);
		}
		if (id.isBlank()) {
			throw new IllegalArgumentException("Cache '" + getName() + "' cannot use a blank key "
					+ CallerText.quote(id) + "; use a condition = \"...\" that skips the cache for it");
		}
		return id;
	}

	/** A key, or an element of a {@link SimpleKey}: a String quoted, else its text. */
	private String element(@Nullable Object key) {
		if (key == null) {
			return "null";
		}
		if (key instanceof String text) {
			return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
		}
		if (!hasOwnToString(key.getClass())) {
			throw new IllegalArgumentException("Cache '" + getName() + "' cannot use a key of type "
					+ key.getClass().getName() + ": keys become ids by their toString(), which this type does not"
					+ " override; use a key = \"...\" expression that gives a String, or a record");
		}
		return key.toString();
	}

	private static Object[] simpleKeyParameters(SimpleKey key) {
		return (Object[]) ReflectionUtils.getField(SIMPLE_KEY_PARAMETERS, key);
	}

	/** Found and opened once, not on every key. */
	private static Field simpleKeyParameters() {
		Field field = Objects.requireNonNull(ReflectionUtils.findField(SimpleKey.class, "params"), "SimpleKey.params");
		ReflectionUtils.makeAccessible(field);
		return field;
	}

	private static boolean hasOwnToString(Class<?> type) {
		try {
			return type.getMethod("toString").getDeclaringClass() != Object.class;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

}
