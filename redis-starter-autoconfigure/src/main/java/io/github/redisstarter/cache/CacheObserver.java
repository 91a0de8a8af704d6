package io.github.redisstarter.cache;

/**
 * Hears what a {@link TwoLevelCache} does: the hook for metrics. Calls must be quick and
 * must not throw.
 */
public interface CacheObserver {

	CacheObserver NONE = new CacheObserver() {
	};

	/** Where a value was looked up. */
	enum Level {

		/** This instance's near cache. */
		L1,

		/** Redis. */
		L2

	}

	default void onHit(String cache, Level level) {
	}

	default void onMiss(String cache, Level level) {
	}

	/**
	 * The loader answered, after {@code nanos}; {@code found} is false for an empty
	 * answer.
	 */
	default void onLoad(String cache, long nanos, boolean found) {
	}

	/** The loader threw; the caller got the exception. */
	default void onLoadFailure(String cache, Throwable failure) {
	}

	/**
	 * A Redis call of the cache failed (the cache answered without Redis, or the caller
	 * got the exception).
	 */
	default void onError(String cache, Throwable failure) {
	}

	/** An eviction of one id, or of {@code all}, returned {@code eviction}. */
	default void onEviction(String cache, boolean all, Eviction eviction) {
	}

	/**
	 * An eviction waited out the subscription lease: some instance that received it did
	 * not acknowledge it in time.
	 */
	default void onUnacknowledged(String cache) {
	}

	/**
	 * A value in Redis could not be decoded (a class changed): it was deleted and loaded
	 * afresh.
	 */
	default void onPoisoned(String cache) {
	}

}
