package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
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
 * <li>An eviction returns once every instance on Redis has dropped its copy ({@link Acknowledgments}), unless the
 * cache is set to publish without waiting; one that Redis did not take is {@link PendingEvictions pending} and retried
 * in the background, and delivered before this instance reads Redis again.</li>
 * </ul>
 */
public final class DefaultTwoLevelCache<V> implements TwoLevelCache<V> {

	/** How often pending evictions are retried in the background. */
	static final long RETRY_MILLIS = 250;

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

	private final @Nullable Acknowledgments acknowledgments;

	private final PendingEvictions pending = new PendingEvictions();

	/** Whether a background retry of pending evictions is scheduled. */
	private final AtomicBoolean retrying = new AtomicBoolean();

	/** Whether a sweep is queued and not yet started. */
	private final AtomicBoolean sweepQueued = new AtomicBoolean();

	/** Held by the one caller that catches up with Redis, and while an eviction is made pending. */
	private final ReentrantLock catchingUp = new ReentrantLock();

	/** Runs the retries and the sweeps: the factory's thread. */
	private final ScheduledExecutorService background;

	private volatile boolean closed;

	/** The invalidation channel this cache listens on, or {@code null} without a subscription. */
	private volatile @Nullable String channel;

	/** The switch count the near cache's content belongs to. */
	private volatile long nearEpoch;

	/**
	 * The switch count at which this instance last took Redis (back) into use; -1 before the first, and after an
	 * eviction that did not reach Redis, so that the next call catches up.
	 */
	private volatile long redisEpoch;

	DefaultTwoLevelCache(String name, CacheLoader<V> loader, CacheCodec<V> codec, CacheSettings settings,
			BackendState state, @Nullable RedisCacheStore store, @Nullable RedisSubscriber subscriber,
			@Nullable Acknowledgments acknowledgments, CacheObserver observer, ScheduledExecutorService background) {
		this.name = name;
		this.loader = Objects.requireNonNull(loader, "'loader' must not be null");
		this.codec = codec;
		this.settings = settings;
		this.state = state;
		this.store = store;
		this.subscriber = subscriber;
		this.acknowledgments = acknowledgments;
		this.observer = observer;
		this.background = background;
		this.near = new NearCache<>(settings.nearMaxSize());
		long switches = state.switchCount();
		this.nearEpoch = switches;
		this.redisEpoch = state.usesRedis() ? switches : -1;
	}

	void listenOn(RedisSubscriber subscriber, String channel) {
		this.channel = channel;
		subscriber.subscribe(channel, new RedisSubscriber.Listener() {

			@Override
			public void onMessage(String channel, String message) {
				InvalidationMessages.Invalidation invalidation = InvalidationMessages.read(message);
				if (invalidation.id() != null) {
					forgetLocally(invalidation.id());
				}
				else {
					forgetAllLocally();
				}
				// Only once the copy is gone.
				if (DefaultTwoLevelCache.this.acknowledgments != null) {
					DefaultTwoLevelCache.this.acknowledgments.acknowledge(invalidation);
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
		long generation = this.near.generation();
		boolean heard = !onRedis || heard();
		if (heard) {
			Optional<V> near = this.near.get(id);
			if (near != null) {
				this.observer.onHit(this.name, Level.L1);
				return near;
			}
			this.observer.onMiss(this.name, Level.L1);
		}
		return this.flights.join(id, generation, heard, this.settings.loadTimeout(), (flight) -> load(id, flight));
	}

	@Override
	public Eviction evict(String id) {
		requireId(id);
		forgetLocally(id);
		return delivered(false, (tag) -> this.store.evict(id, tag), () -> this.pending.add(id));
	}

	@Override
	public Eviction evictAll() {
		forgetAllLocally();
		Eviction eviction = delivered(true, (tag) -> this.store.invalidateAll(tag), this.pending::addAll);
		if (this.store != null && eviction.reachedRedis()) {
			sweepSoon();
		}
		return eviction;
	}

	/**
	 * Takes an eviction to Redis and, unless the cache publishes without waiting, waits until the other instances
	 * have dropped their copies; one that Redis cannot take now is kept pending and retried.
	 */
	private Eviction delivered(boolean all, java.util.function.ToLongFunction<java.util.function.UnaryOperator<String>> evict,
			Runnable keepPending) {
		Eviction eviction;
		if (this.store == null) {
			eviction = Eviction.EVERYWHERE;
		}
		else if (!followBackend()) {
			eviction = pending(keepPending);
		}
		else if (this.acknowledgments == null || !this.settings.acknowledgeEvictions()) {
			eviction = onRedis(() -> evict.applyAsLong(UnaryOperator.identity())).isPresent() ? Eviction.PUBLISHED
					: pending(keepPending);
		}
		else {
			try (Acknowledgments.Waiting waiting = this.acknowledgments.open()) {
				Optional<Long> receivers = onRedis(() -> evict.applyAsLong(waiting::tag));
				eviction = receivers.isPresent() ? acknowledged(waiting, receivers.get()) : pending(keepPending);
			}
		}
		this.observer.onEviction(this.name, all, eviction);
		return eviction;
	}

	private Eviction acknowledged(Acknowledgments.Waiting waiting, long receivers) {
		return switch (waiting.await(receivers)) {
			case ACKNOWLEDGED -> Eviction.EVERYWHERE;
			case LEASE_RAN_OUT -> {
				this.observer.onUnacknowledged(this.name);
				yield Eviction.EVERYWHERE;
			}
			// Redis took it, but the wait for the others was cut short.
			case INTERRUPTED -> Eviction.PUBLISHED;
		};
	}

	/**
	 * An eviction did not reach Redis (made while Redis is away, or lost): it is delivered before this instance reads
	 * Redis again, on the next call if Redis is in use by then, and retried in the background meanwhile.
	 */
	private Eviction pending(Runnable keepPending) {
		this.catchingUp.lock();
		try {
			keepPending.run();
			this.redisEpoch = -1;
		}
		finally {
			this.catchingUp.unlock();
		}
		retrySoon();
		return Eviction.PENDING;
	}

	private void retrySoon() {
		if (!this.closed && this.retrying.compareAndSet(false, true)) {
			try {
				this.background.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// The app stops: what is pending stays with it (see role-cache.md).
			}
		}
	}

	/** Deletes invalidated entries in the background, one sweep queued at a time. */
	private void sweepSoon() {
		if (!this.closed && this.sweepQueued.compareAndSet(false, true)) {
			try {
				this.background.execute(() -> {
					this.sweepQueued.set(false);
					try {
						this.store.sweep();
					}
					catch (RuntimeException ex) {
						// The entries expire by themselves.
					}
				});
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				this.sweepQueued.set(false);
			}
		}
	}

	/** A background retry: delivers what is pending if Redis is in use, and comes back while anything is pending. */
	private void retry() {
		this.retrying.set(false);
		try {
			followBackend();
		}
		catch (RuntimeException ex) {
			// Not an outage (a script error): the next call or retry tries again.
		}
		if (!this.pending.isEmpty()) {
			retrySoon();
		}
	}

	/** Stops the background retries (the app stops). */
	void close() {
		this.closed = true;
	}

	/** Whether evictions published on Redis now reach this instance's near copies. */
	private boolean heard() {
		String listening = this.channel;
		return this.subscriber == null || (listening != null && this.subscriber.isLive(listening));
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
			// One caller catches up (delivering pending evictions may take several calls); the others do not queue
			// behind it but are answered without Redis meanwhile.
			if (!this.catchingUp.tryLock()) {
				return false;
			}
			try {
				if (this.redisEpoch != switches) {
					if (!this.pending.isEmpty() && !deliverPending()) {
						return false;
					}
					this.redisEpoch = switches;
				}
			}
			finally {
				this.catchingUp.unlock();
			}
		}
		return true;
	}

	/**
	 * Delivers the pending evictions: each id, or the whole cache at once when that was asked or there are many. Other
	 * instances are told but not waited for: nobody waits on a retry.
	 * @return whether they all reached Redis
	 */
	private boolean deliverPending() {
		PendingEvictions.Batch batch = this.pending.take();
		boolean delivered = onRedis(() -> {
			if (batch.all()) {
				this.store.invalidateAll(UnaryOperator.identity());
			}
			else {
				batch.ids().keySet().forEach((id) -> this.store.evict(id, UnaryOperator.identity()));
			}
			return true;
		}).isPresent();
		if (delivered) {
			this.pending.delivered(batch);
		}
		return delivered;
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
		boolean heard = !this.state.usesRedis() || heard();
		if (heard && this.state.switchCount() == epoch && this.nearEpoch == epoch) {
			this.near.put(id, value, lifetime, flight.generation(), flight::overtaken);
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
		this.near.invalidate(id, () -> this.flights.invalidate(id));
	}

	private void forgetAllLocally() {
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
