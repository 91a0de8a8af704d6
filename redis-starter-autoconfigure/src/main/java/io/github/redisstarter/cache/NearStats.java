package io.github.redisstarter.cache;

import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;

import io.github.redisstarter.cache.CacheObserver.Level;

/**
 * Caffeine's count of a near cache's lookups, told to the {@link CacheObserver} as L1
 * hits and misses: Caffeine counts, the observer's meters show it. A lookup that finds a
 * load in progress (and joins it) is a hit, as Caffeine counts it: the read asks Redis
 * nothing. Loads and evictions are counted elsewhere, with more to say.
 */
final class NearStats implements StatsCounter {

	private final String cache;

	private final CacheObserver observer;

	NearStats(String cache, CacheObserver observer) {
		this.cache = cache;
		this.observer = observer;
	}

	@Override
	public void recordHits(int count) {
		for (int i = 0; i < count; i++) {
			this.observer.onHit(this.cache, Level.L1);
		}
	}

	@Override
	public void recordMisses(int count) {
		for (int i = 0; i < count; i++) {
			this.observer.onMiss(this.cache, Level.L1);
		}
	}

	@Override
	public void recordLoadSuccess(long loadTime) {
	}

	@Override
	public void recordLoadFailure(long loadTime) {
	}

	@Override
	public void recordEviction(int weight, RemovalCause cause) {
	}

	@Override
	public CacheStats snapshot() {
		return CacheStats.empty();
	}

}
