package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.redisstarter.cache.CacheObserver.Level;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import org.jspecify.annotations.Nullable;

/**
 * The Redis side of a cache: values shared in Redis through {@link RedisCacheStore}, near
 * copies and single-flight loads in {@link NearLoads}, near-copy invalidation over
 * {@link RedisSubscriber}. A Redis call that fails reaches the caller (the
 * {@link FailoverTwoLevelCache} answers it from the twin), except the write of a loaded
 * value: the read does without it, and {@link Failover} hears of the failure.
 *
 * <p>
 * How it stays fresh:
 * <ul>
 * <li>Near copies are used only while the invalidation subscription is live, and live at
 * most {@code nearTtl}.</li>
 * <li>A load that an eviction or a backend switch overtakes hands its result to its
 * callers but keeps it nowhere.</li>
 * <li>An eviction returns once every instance on Redis has dropped its copy
 * ({@link Acknowledgments}), unless the cache is set to publish without waiting.</li>
 * </ul>
 */
final class RedisTwoLevelCache<V> implements SettableCache<V> {

	private final CacheRules<V> rules;

	private final RedisCacheStore store;

	private final @Nullable RedisSubscriber subscriber;

	private final @Nullable Acknowledgments acknowledgments;

	private final Failover failover;

	private final NearLoads<V> near;

	/** Runs the sweeps: the factory's thread. */
	private final ScheduledExecutorService background;

	/** Whether a sweep is queued and not yet started. */
	private final AtomicBoolean sweepQueued = new AtomicBoolean();

	private volatile boolean closed;

	/**
	 * The invalidation channel this cache listens on, or {@code null} without a
	 * subscription.
	 */
	private volatile @Nullable String channel;

	/**
	 * @param failover hears of a failed write of a loaded value, which the read does
	 * without
	 */
	RedisTwoLevelCache(CacheRules<V> rules, RedisCacheStore store, @Nullable RedisSubscriber subscriber,
			@Nullable Acknowledgments acknowledgments, Failover failover, ScheduledExecutorService background) {
		this.rules = rules;
		this.store = store;
		this.subscriber = subscriber;
		this.acknowledgments = acknowledgments;
		this.failover = failover;
		this.background = background;
		this.near = new NearLoads<>(rules.settings.nearMaxSize(), new NearStats(rules.name, rules.observer));
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
				if (RedisTwoLevelCache.this.acknowledgments != null) {
					RedisTwoLevelCache.this.acknowledgments.acknowledge(invalidation);
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
		return this.rules.name;
	}

	CacheLoader<V> loader() {
		return this.rules.loader();
	}

	@Override
	public Optional<V> get(String id) {
		return get(id, this.rules.loader());
	}

	@Override
	public Optional<V> get(String id, CacheLoader<V> loader) {
		CacheRules.requireId(id);
		Optional<V> near = nearCopy(id);
		return (near != null) ? near : readThrough(id, loader);
	}

	@Override
	public NearLoads.Lookup<V> lookup(String id) {
		CacheRules.requireId(id);
		Optional<V> near = nearCopy(id);
		return (near != null) ? new NearLoads.Lookup<>(near, null)
				: this.near.lookup(id, heard(), this.rules.settings.loadTimeout(), (key) -> {
					NearLoads.Probe<V> probe = probe(key);
					return (probe.hit() != null) ? probe : NearLoads.Probe.miss(this.rules.countedAsLoad(probe.fill()));
				});
	}

	@Override
	public Eviction put(String id, Optional<V> value) {
		CacheRules.requireId(id);
		byte[] payload = this.rules.encode(id, value);
		Duration ttl = this.rules.lifetime(value);
		forgetLocally(id);
		return delivered((tag) -> this.store.put(id, ttl, payload, tag));
	}

	/**
	 * The near copy of {@code id} (Caffeine counts the lookup as an L1 hit or miss), or
	 * {@code null}: none, or none may be served now (the invalidation subscription is not
	 * live). No Redis call.
	 */
	@Nullable Optional<V> nearCopy(String id) {
		if (!heard()) {
			return null;
		}
		return this.near.get(id);
	}

	/**
	 * Reads {@code id} through Redis (a single flight per id), loading and sharing it on
	 * a miss.
	 */
	Optional<V> readThrough(String id, CacheLoader<V> loader) {
		return this.near.load(id, heard(), this.rules.settings.loadTimeout(), (key) -> load(key, loader));
	}

	@Override
	public Eviction evict(String id) {
		CacheRules.requireId(id);
		forgetLocally(id);
		Eviction eviction = deliverEviction(id);
		this.rules.observer.onEviction(this.rules.name, false, eviction);
		return eviction;
	}

	@Override
	public Eviction evictAll() {
		forgetAllLocally();
		Eviction eviction = deliverInvalidation();
		this.rules.observer.onEviction(this.rules.name, true, eviction);
		return eviction;
	}

	/**
	 * Takes the eviction of {@code id} to Redis and, unless the cache publishes without
	 * waiting, waits until the other instances have dropped their copies. Throws when
	 * Redis does not take it.
	 */
	Eviction deliverEviction(String id) {
		return delivered((tag) -> this.store.evict(id, tag));
	}

	/**
	 * {@link #deliverEviction} for the whole cache; the invalidated entries are swept in
	 * the background.
	 */
	Eviction deliverInvalidation() {
		Eviction eviction = delivered(this.store::invalidateAll);
		sweepSoon();
		return eviction;
	}

	/**
	 * Delivers evictions that did not reach Redis when they were made, without waiting
	 * for the other instances: nobody waits on a retry. Throws when Redis does not take
	 * them.
	 */
	void deliverLate(boolean all, Collection<String> ids) {
		if (all) {
			observed(() -> this.store.invalidateAll(UnaryOperator.identity()));
		}
		else {
			ids.forEach((id) -> observed(() -> this.store.evict(id, UnaryOperator.identity())));
		}
	}

	private Eviction delivered(java.util.function.ToLongFunction<UnaryOperator<String>> evict) {
		if (this.acknowledgments == null || !this.rules.settings.acknowledgeEvictions()) {
			observed(() -> evict.applyAsLong(UnaryOperator.identity()));
			return Eviction.PUBLISHED;
		}
		try (Acknowledgments.Waiting waiting = this.acknowledgments.open()) {
			long receivers = observed(() -> evict.applyAsLong(waiting::tag));
			return switch (waiting.await(receivers)) {
				case ACKNOWLEDGED -> Eviction.EVERYWHERE;
				case LEASE_RAN_OUT -> {
					this.rules.observer.onUnacknowledged(this.rules.name);
					yield Eviction.EVERYWHERE;
				}
				// Redis took it, but the wait for the others was cut short.
				case INTERRUPTED -> Eviction.PUBLISHED;
			};
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
			catch (RejectedExecutionException ex) {
				this.sweepQueued.set(false);
			}
		}
	}

	/** Stops the sweeps (the app stops). */
	void close() {
		this.closed = true;
	}

	/** Whether evictions published on Redis now reach this instance's near copies. */
	private boolean heard() {
		String listening = this.channel;
		return this.subscriber == null || (listening != null && this.subscriber.isLive(listening));
	}

	long nearSize() {
		return this.near.size();
	}

	private NearLoads.Loaded<V> load(String id, CacheLoader<V> loader) {
		NearLoads.Probe<V> probe = probe(id);
		return (probe.hit() != null) ? probe.hit() : probe.fill().apply(this.rules.load(id, loader));
	}

	/**
	 * Reads {@code id} from Redis: a hit, or on a miss how to store what the caller finds
	 * (only if the entry is still what this miss read).
	 */
	private NearLoads.Probe<V> probe(String id) {
		long epoch = this.failover.state().switchCount();
		RedisCacheStore.Read read = observed(() -> this.store.read(id));
		if (read.hit()) {
			Optional<V> value = decode(id, read.payload());
			if (value != null) {
				this.rules.observer.onHit(this.rules.name, Level.L2);
				return NearLoads.Probe.hit(keptNear(value, epoch));
			}
			// Deleted as poisoned: what follows expects no entry.
			read = read.deleted();
		}
		this.rules.observer.onMiss(this.rules.name, Level.L2);
		long start = System.nanoTime();
		RedisCacheStore.Read missed = read;
		return NearLoads.Probe.miss((value) -> fill(id, missed, start, epoch, value));
	}

	/**
	 * Stores what the caller found after {@code missed}, and says how long to keep it
	 * near.
	 */
	private NearLoads.Loaded<V> fill(String id, RedisCacheStore.Read missed, long start, long epoch,
			Optional<V> value) {
		byte[] payload = this.rules.encode(id, value);
		Duration ttl = this.rules.lifetime(value);
		// A load that took half a tombstone's life or more may have outlived one: its
		// answer is not kept.
		boolean timely = System.nanoTime() - start < this.store.tombstoneLife().toNanos() / 2;
		// A write that fails does not fail the read: the value is the loader's, only its
		// sharing is lost.
		boolean written = timely
				&& this.failover.call(() -> observed(() -> this.store.write(id, missed, ttl, payload)), () -> false);
		return written ? keptNear(value, epoch) : new NearLoads.Loaded<>(value, null);
	}

	/**
	 * The decoded value, or {@code null} for bytes that no longer decode (deleted,
	 * counted, then loaded afresh).
	 */
	private @Nullable Optional<V> decode(String id, byte[] payload) {
		try {
			return this.rules.decode(payload);
		}
		catch (RuntimeException ex) {
			this.rules.observer.onPoisoned(this.rules.name);
			observed(() -> {
				this.store.delete(id);
				return null;
			});
			return null;
		}
	}

	/**
	 * What a load found, to keep as a near copy unless a backend switch came while it ran
	 * or the invalidation subscription is not live: evictions published meanwhile would
	 * never reach the copy. (An eviction that overtook the load removed it already.)
	 */
	private NearLoads.Loaded<V> keptNear(Optional<V> value, long epoch) {
		boolean keep = heard() && this.failover.state().switchCount() == epoch;
		return new NearLoads.Loaded<>(value, keep ? this.rules.nearLifetime(value) : null);
	}

	/** A Redis call, its failure counted before it reaches the caller. */
	private <T> T observed(Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			this.rules.observer.onError(this.rules.name, ex);
			throw ex;
		}
	}

	void forgetLocally(String id) {
		this.near.invalidate(id);
	}

	void forgetAllLocally() {
		this.near.clear();
	}

}
