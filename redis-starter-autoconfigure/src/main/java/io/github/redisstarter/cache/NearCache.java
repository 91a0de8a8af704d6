package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/** An instance's own copies (L1): Caffeine, with a lifetime chosen per entry and a size cap. */
final class NearCache<V> {

	private final Cache<String, Entry<V>> entries;

	NearCache(long maxSize) {
		this.entries = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxSize).expireAfter(new Expiry<String, Entry<V>>() {

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

		}).build();
	}

	/** The cached answer, or {@code null} when there is none. */
	@Nullable Optional<V> get(String id) {
		Entry<V> entry = this.entries.getIfPresent(id);
		return (entry != null) ? entry.value : null;
	}

	void put(String id, Optional<V> value, Duration lifetime) {
		this.entries.put(id, new Entry<>(value, lifetime.toNanos()));
	}

	void invalidate(String id) {
		this.entries.invalidate(id);
	}

	void clear() {
		this.entries.invalidateAll();
	}

	long size() {
		this.entries.cleanUp();
		return this.entries.estimatedSize();
	}

	private record Entry<V>(Optional<V> value, long lifetimeNanos) {
	}

}
