package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.github.redisstarter.cache.CacheObserver.Level;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.CallerText;
import io.github.redisstarter.connection.PayloadTooLargeException;
import io.github.redisstarter.connection.RedisSubscriber;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TwoLevelCache}: near copies in {@link NearCache}, shared values in Redis through
 * {@link RedisCacheStore}, single-flight loads through {@link Flights}, near-copy invalidation over
 * {@link RedisSubscriber}. Without a store it is the in-memory cache: the near cache is the whole cache.
 *
 * <p>
 * How it stays fresh:
 * <ul>
 * <li>On Redis, near copies are used only while the invalidation subscription is live, and live at most
 * {@code nearTtl}.</li>
 * <li>At every backend switch the near cache is cleared: copies made on one side are not trusted on the other.</li>
 * <li>While a configured Redis is away, copies live at most {@code degradedTtl}: evictions of other instances cannot
 * reach this one.</li>
 * <li>Back on Redis after an outage, this instance invalidates the shared cache before reading it if it has evictions
 * that did not reach Redis (made on the twins, or lost on the way); without any, a blip costs only its own near
 * copies.</li>
 * <li>A load that an eviction overtakes hands its result to its callers but keeps it nowhere.</li>
 * </ul>
 */
public final class DefaultTwoLevelCache<V> implements TwoLevelCache<V> {

	private final String name;

	private final CacheLoader<V> loader;

	private final CacheCodec<V> codec;

	private final CacheSettings settings;

	private final BackendState state;

	private final @Nullable RedisCacheStore store;

	private final @Nullable RedisSubscriber subscriber;

	private final CacheObserver observer;

	private final NearCache<V> near;

	private final Flights<V> flights = new Flights<>();

	/** The switch count the near cache's content belongs to. */
	private volatile long nearEpoch;

	/**
	 * The switch count at which this instance last took Redis (back) into use; -1 before the first, and after an
	 * eviction that did not reach Redis, so that the next call catches up.
	 */
	private volatile long redisEpoch;

	/** Whether an eviction of this instance has not reached Redis yet; guarded by {@code this}. */
	private boolean undelivered;

	DefaultTwoLevelCache(String name, CacheLoader<V> loader, CacheCodec<V> codec, CacheSettings settings,
			BackendState state, @Nullable RedisCacheStore store, @Nullable RedisSubscriber subscriber, CacheObserver observer) {
		this.name = name;
		this.loader = Objects.requireNonNull(loader, "'loader' must not be null");
		this.codec = codec;
		this.settings = settings;
		this.state = state;
		this.store = store;
		this.subscriber = subscriber;
		this.observer = observer;
		this.near = new NearCache<>(settings.nearMaxSize());
		long switches = state.switchCount();
		this.nearEpoch = switches;
		this.redisEpoch = state.usesRedis() ? switches : -1;
	}

	void listenOn(RedisSubscriber subscriber, String channel) {
		subscriber.subscribe(channel, new RedisSubscriber.Listener() {

			@Override
			public void onMessage(String channel, String message) {
				String id = InvalidationMessages.id(message);
				if (id != null) {
					forgetLocally(id);
				}
				else {
					forgetAllLocally();
				}
			}

			@Override
			public void onGap() {
				forgetAllLocally();
			}

		});
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Optional<V> get(String id) {
		requireId(id);
		boolean onRedis = followBackend();
		if (!onRedis || this.subscriber == null || this.subscriber.isLive()) {
			Optional<V> near = this.near.get(id);
			if (near != null) {
				this.observer.onHit(this.name, Level.L1);
				return near;
			}
			this.observer.onMiss(this.name, Level.L1);
		}
		return this.flights.join(id, this.settings.loadTimeout(), (flight) -> load(id, flight));
	}

	@Override
	public void evict(String id) {
		requireId(id);
		forgetLocally(id);
		this.observer.onEviction(this.name, false);
		if (!followBackend() || onRedis(() -> {
			this.store.evict(id);
			return id;
		}).isEmpty()) {
			undelivered();
		}
	}

	@Override
	public void evictAll() {
		forgetAllLocally();
		this.observer.onEviction(this.name, true);
		if (!followBackend() || onRedis(() -> this.store.invalidateAll(true)).isEmpty()) {
			undelivered();
		}
	}

	/**
	 * An eviction did not reach Redis (made while Redis is away, or lost): the shared cache is invalidated as a whole
	 * before this instance reads it again, on the next call if Redis is in use by then.
	 */
	private void undelivered() {
		if (this.store == null) {
			return;
		}
		synchronized (this) {
			this.undelivered = true;
			this.redisEpoch = -1;
		}
	}

	/** How many near copies this instance holds (an estimate that counts copies about to expire). */
	public long nearSize() {
		return this.near.size();
	}

	/**
	 * Catches up with a backend switch on the caller's thread, before anything is read: clears near copies made on
	 * the other side and, back on Redis with evictions that did not reach it, invalidates the shared cache first.
	 * @return whether Redis is to be used
	 */
	private boolean followBackend() {
		long switches = this.state.switchCount();
		if (switches != this.nearEpoch) {
			synchronized (this) {
				if (switches != this.nearEpoch) {
					forgetAllLocally();
					this.nearEpoch = switches;
				}
			}
		}
		if (this.store == null || !this.state.usesRedis()) {
			return false;
		}
		if (this.redisEpoch != switches) {
			synchronized (this) {
				if (this.redisEpoch != switches) {
					if (this.undelivered) {
						if (onRedis(() -> this.store.invalidateAll(false)).isEmpty()) {
							return false;
						}
						this.undelivered = false;
					}
					this.redisEpoch = switches;
				}
			}
		}
		return true;
	}

	private Optional<V> load(String id, Flights.Flight<V> flight) {
		long epoch = this.state.switchCount();
		if (this.store != null && this.state.usesRedis() && this.redisEpoch == epoch) {
			try {
				return loadThroughRedis(id, flight, epoch);
			}
			catch (RuntimeException ex) {
				if (!this.state.reportFailure(ex) || !this.state.canFallBack()) {
					this.observer.onError(this.name, ex);
					throw ex;
				}
				this.observer.onError(this.name, ex);
				epoch = this.state.switchCount();
			}
		}
		Optional<V> value = loadFromLoader(id);
		// Measured here too, so that the limit holds with or without Redis: one contract for both.
		encodeWithinLimit(id, value);
		Duration lifetime = value.isPresent() ? jittered(this.settings.ttl()) : this.settings.negativeTtl();
		if (this.state.canFallBack()) {
			lifetime = min(lifetime, this.settings.degradedTtl());
		}
		keepNear(id, value, lifetime, flight, epoch);
		return value;
	}

	private Optional<V> loadThroughRedis(String id, Flights.Flight<V> flight, long epoch) {
		RedisCacheStore.Read read = this.store.read(id);
		if (read.hit()) {
			Optional<V> value = decode(id, read.payload());
			if (value != null) {
				this.observer.onHit(this.name, Level.L2);
				keepNear(id, value, nearLifetime(value), flight, epoch);
				return value;
			}
			// Deleted as poisoned: what follows expects no entry.
			read = read.deleted();
		}
		this.observer.onMiss(this.name, Level.L2);
		long start = System.nanoTime();
		Optional<V> value = loadFromLoader(id);
		byte[] payload = encodeWithinLimit(id, value);
		Duration ttl = value.isPresent() ? jittered(this.settings.ttl()) : this.settings.negativeTtl();
		// A load that took half a tombstone's life or more may have outlived one: its answer is not kept.
		boolean timely = System.nanoTime() - start < this.store.tombstoneLife().toNanos() / 2;
		RedisCacheStore.Read missed = read;
		// A store that fails does not fail the read: the value is the loader's, only its sharing is lost.
		if (timely && onRedis(() -> this.store.write(id, missed, ttl, payload)).orElse(false)) {
			keepNear(id, value, nearLifetime(value), flight, epoch);
		}
		return value;
	}

	/** The decoded value, or {@code null} for bytes that no longer decode (deleted, counted, then loaded afresh). */
	private @Nullable Optional<V> decode(String id, byte[] payload) {
		try {
			return this.codec.decode(payload);
		}
		catch (RuntimeException ex) {
			this.observer.onPoisoned(this.name);
			this.store.delete(id);
			return null;
		}
	}

	private Optional<V> loadFromLoader(String id) {
		long start = System.nanoTime();
		Optional<V> value;
		try {
			value = this.loader.load(id);
		}
		catch (RuntimeException ex) {
			this.observer.onLoadFailure(this.name, ex);
			throw ex;
		}
		if (value == null) {
			IllegalStateException ex = new IllegalStateException(
					"The loader of cache '" + this.name + "' returned null for " + CallerText.quote(id) + "; return Optional.empty()");
			this.observer.onLoadFailure(this.name, ex);
			throw ex;
		}
		this.observer.onLoad(this.name, System.nanoTime() - start, value.isPresent());
		return value;
	}

	/** The encoded value, refused when it is larger than the cache allows: then nothing is cached. */
	private byte[] encodeWithinLimit(String id, Optional<V> value) {
		byte[] payload = this.codec.encode(value);
		if (payload.length > this.settings.maxValueBytes()) {
			throw new PayloadTooLargeException("the value of cache '" + this.name + "' for id " + CallerText.quote(id),
					payload.length, this.settings.maxValueBytes(), "redis-starter.cache.max-value-size, or"
							+ " redis-starter.cache.caches." + this.name + ".max-value-size for this cache only");
		}
		return payload;
	}

	/**
	 * Keeps a near copy, unless an eviction or a switch overtook the load that found it, or, on Redis, the
	 * invalidation subscription is not live: evictions published meanwhile would never reach the copy.
	 */
	private void keepNear(String id, Optional<V> value, Duration lifetime, Flights.Flight<V> flight, long epoch) {
		boolean heard = this.subscriber == null || !this.state.usesRedis() || this.subscriber.isLive();
		if (heard && !flight.overtaken() && this.state.switchCount() == epoch && this.nearEpoch == epoch) {
			this.near.put(id, value, lifetime);
		}
	}

	private Duration nearLifetime(Optional<V> value) {
		return min(this.settings.nearTtl(), value.isPresent() ? this.settings.ttl() : this.settings.negativeTtl());
	}

	/**
	 * Runs a Redis call; an outage (a missed deadline too) is reported and answered by empty, anything else reaches
	 * the caller.
	 */
	private <T> Optional<T> onRedis(Supplier<T> call) {
		try {
			return Optional.of(call.get());
		}
		catch (RuntimeException ex) {
			this.observer.onError(this.name, ex);
			if (this.state.reportFailure(ex) && this.state.canFallBack()) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	private void forgetLocally(String id) {
		this.flights.invalidate(id);
		this.near.invalidate(id);
	}

	private void forgetAllLocally() {
		this.flights.invalidateAll();
		this.near.clear();
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

	private static void requireId(String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("'id' must not be blank");
		}
	}

}
