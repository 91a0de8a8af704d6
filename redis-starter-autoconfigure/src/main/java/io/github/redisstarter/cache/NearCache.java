package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * An instance's own copies (L1): Caffeine, with a lifetime chosen per entry and a size
 * cap.
 *
 * <p>
 * Two rules keep a copy from outliving an eviction that raced with the load that found
 * it. Each copy carries the generation in which its load began, and a {@link #clear()}
 * starts a new generation: a copy of an older one is never served, however late it was
 * put. And a put checks whether an eviction overtook its load under the same per-key lock
 * that {@link #invalidate(String, Runnable)} takes, so that no eviction falls between the
 * check and the put.
 */
final class NearCache<V> {

	private final Cache<String, Entry<V>> entries;

	private volatile long generation;

	NearCache(long maxSize) {
		this.entries = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maxSize)
			.expireAfter(new Expiry<String, Entry<V>>() {

				@Override
				public long expireAfterCreate(String id, Entry<V> entry, long currentTime) {
					return entry.lifetimeNanos;
				}

				@Override
				public long expireAfterUpdate(String id, Entry<V> entry, long currentTime, long currentDuration) {
					return entry.lifetimeNanos;
				}

				@Override
				public long expireAfterRead(String id, Entry<V> entry, long currentTime, long currentDuration) {
					return currentDuration;
				}

			})
			.build();
	}

	/** The generation a load that begins now belongs to. */
	long generation() {
		return this.generation;
	}

	/** The cached answer, or {@code null} when there is none. */
	@Nullable Optional<V> get(String id) {
		Entry<V> entry = this.entries.getIfPresent(id);
		return (entry != null && entry.generation == this.generation) ? entry.value : null;
	}

	/**
	 * Keeps a copy found by a load of {@code generation}, unless {@code overtaken} says
	 * an eviction came while it ran (asked under the key's lock).
	 */
	void put(String id, Optional<V> value, Duration lifetime, long generation, BooleanSupplier overtaken) {
		if (generation != this.generation) {
			return;
		}
		Entry<V> fresh = new Entry<>(value, lifetime.toNanos(), generation);
		this.entries.asMap().compute(id, (key, old) -> overtaken.getAsBoolean() ? old : fresh);
	}

	/**
	 * Drops the copy of {@code id}, running {@code underLock} (marking loads as
	 * overtaken) under the key's lock.
	 */
	void invalidate(String id, Runnable underLock) {
		this.entries.asMap().compute(id, (key, old) -> {
			underLock.run();
			return null;
		});
	}

	/** Drops every copy: copies of loads that began before are never served. */
	synchronized void clear() {
		this.generation++;
		this.entries.invalidateAll();
	}

	long size() {
		this.entries.cleanUp();
		return this.entries.estimatedSize();
	}

	private record Entry<V>(Optional<V> value, long lifetimeNanos, long generation) {
	}

}
