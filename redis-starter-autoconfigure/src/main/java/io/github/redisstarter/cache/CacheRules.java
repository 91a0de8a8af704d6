package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.github.redisstarter.connection.internal.CallerText;
import io.github.redisstarter.connection.PayloadTooLargeException;

/**
 * What both sides of one cache share, so that they give the same answers: the argument
 * rule, the call of the loader, the size limit and how long an answer lives. No I/O but
 * the loader's.
 */
final class CacheRules<V> {

	final String name;

	final CacheSettings settings;

	final CacheObserver observer;

	private final CacheLoader<V> loader;

	private final CacheCodec<V> codec;

	CacheRules(String name, CacheLoader<V> loader, CacheCodec<V> codec, CacheSettings settings,
			CacheObserver observer) {
		this.name = name;
		this.loader = loader;
		this.codec = codec;
		this.settings = settings;
		this.observer = observer;
	}

	CacheLoader<V> loader() {
		return this.loader;
	}

	static void requireId(String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("'id' must not be blank");
		}
	}

	/**
	 * Asks the loader, counted; a loader that answers {@code null} is an error that names
	 * the fix.
	 */
	Optional<V> load(String id) {
		return load(id, this.loader);
	}

	/** {@link #load(String)} with the caller's own loader. */
	Optional<V> load(String id, CacheLoader<V> loader) {
		long start = System.nanoTime();
		Optional<V> value;
		try {
			value = loader.load(id);
		}
		catch (RuntimeException ex) {
			this.observer.onLoadFailure(this.name, ex);
			throw ex;
		}
		if (value == null) {
			IllegalStateException ex = new IllegalStateException("The loader of cache '" + this.name
					+ "' returned null for " + CallerText.quote(id) + "; return Optional.empty()");
			this.observer.onLoadFailure(this.name, ex);
			throw ex;
		}
		this.observer.onLoad(this.name, System.nanoTime() - start, value.isPresent());
		return value;
	}

	/**
	 * A claim's fill, counted as a load that took from the miss until the caller computed
	 * the value (Spring's cache interceptor calls the method in between).
	 */
	java.util.function.Function<Optional<V>, NearLoads.Loaded<V>> countedAsLoad(
			java.util.function.Function<Optional<V>, NearLoads.Loaded<V>> fill) {
		long missed = System.nanoTime();
		return (value) -> {
			this.observer.onLoad(this.name, System.nanoTime() - missed, value.isPresent());
			return fill.apply(value);
		};
	}

	/**
	 * The encoded value, refused when it is larger than the cache allows: then nothing is
	 * cached. Measured on both sides, so that the limit holds with or without Redis.
	 */
	byte[] encode(String id, Optional<V> value) {
		byte[] payload = this.codec.encode(value);
		if (payload.length > this.settings.maxValueBytes()) {
			throw new PayloadTooLargeException("the value of cache '" + this.name + "' for id " + CallerText.quote(id),
					payload.length, this.settings.maxValueBytes(), "redis-starter.cache.max-value-size, or"
							+ " redis-starter.cache.caches." + this.name + ".max-value-size for this cache only");
		}
		return payload;
	}

	/** The bytes Redis held, decoded; throws when they no longer decode. */
	Optional<V> decode(byte[] payload) {
		return this.codec.decode(payload);
	}

	/**
	 * How long a loaded answer lives where it is kept: the TTL less up to its jitter, or
	 * the negative TTL.
	 */
	Duration lifetime(Optional<V> value) {
		return value.isPresent() ? jittered(this.settings.ttl()) : this.settings.negativeTtl();
	}

	/** How long a near copy of an answer shared through Redis lives. */
	Duration nearLifetime(Optional<V> value) {
		return min(this.settings.nearTtl(), value.isPresent() ? this.settings.ttl() : this.settings.negativeTtl());
	}

	/**
	 * The lifetime of an answer kept while a configured Redis is away: evictions of other
	 * instances cannot reach it.
	 */
	Duration degraded(Duration lifetime) {
		return min(lifetime, this.settings.degradedTtl());
	}

	private Duration jittered(Duration ttl) {
		double jitter = this.settings.ttlJitter();
		if (jitter == 0) {
			return ttl;
		}
		long nanos = ttl.toNanos();
		return Duration.ofNanos(nanos - (long) (nanos * jitter * ThreadLocalRandom.current().nextDouble()));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
