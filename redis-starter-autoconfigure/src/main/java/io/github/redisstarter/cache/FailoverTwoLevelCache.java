package io.github.redisstarter.cache;

import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;

/**
 * The {@link TwoLevelCache} an app with Redis configured gets: the Redis side while the
 * backend is Redis, the in-memory twin while it is away, through {@link Failover}. What
 * it adds is what an outage leaves behind:
 * <ul>
 * <li>At every backend switch both sides' near copies are dropped: copies made on one
 * side are not trusted on the other, nor copies made before an outage after it.</li>
 * <li>An eviction that Redis could not take (made while Redis is away, or lost) is
 * {@link PendingEvictions pending}: retried in the background, and delivered before this
 * instance reads Redis again, so that the shared cache is never read past it. Without
 * any, a blip costs only the near copies.</li>
 * </ul>
 */
final class FailoverTwoLevelCache<V> implements SettableCache<V> {

	/** How often pending evictions are retried in the background. */
	static final long RETRY_MILLIS = 250;

	private final RedisTwoLevelCache<V> redis;

	private final InMemoryTwoLevelCache<V> memory;

	private final Failover failover;

	private final BackendState state;

	private final CacheObserver observer;

	private final PendingEvictions pending = new PendingEvictions();

	/** Whether a background retry of pending evictions is scheduled. */
	private final AtomicBoolean retrying = new AtomicBoolean();

	/**
	 * Held by the one caller that catches up with Redis, and while an eviction is made
	 * pending.
	 */
	private final ReentrantLock catchingUp = new ReentrantLock();

	/** Runs the retries: the factory's thread. */
	private final ScheduledExecutorService background;

	private volatile boolean closed;

	/** The switch count the near copies of both sides belong to. */
	private volatile long nearEpoch;

	/**
	 * The switch count at which this instance last took Redis (back) into use; -1 before
	 * the first, and after an eviction that did not reach Redis, so that the next call
	 * catches up.
	 */
	private volatile long redisEpoch;

	FailoverTwoLevelCache(RedisTwoLevelCache<V> redis, InMemoryTwoLevelCache<V> memory, Failover failover,
			CacheObserver observer, ScheduledExecutorService background) {
		this.redis = redis;
		this.memory = memory;
		this.failover = failover;
		this.state = failover.state();
		this.observer = observer;
		this.background = background;
		long switches = this.state.switchCount();
		this.nearEpoch = switches;
		this.redisEpoch = this.state.usesRedis() ? switches : -1;
	}

	@Override
	public String name() {
		return this.redis.name();
	}

	@Override
	public Optional<V> get(String id) {
		return get(id, this.redis.loader());
	}

	@Override
	public Optional<V> get(String id, CacheLoader<V> loader) {
		CacheRules.requireId(id);
		if (!followBackend()) {
			// The twins, or Redis while another caller catches up with it.
			return answerWithoutRedis(id, loader);
		}
		// A near copy asks Redis nothing: only a read through Redis goes through the
		// failover.
		Optional<V> near = this.redis.nearCopy(id);
		return (near != null) ? near
				: this.failover.call(() -> this.redis.readThrough(id, loader), () -> answerWithoutRedis(id, loader));
	}

	/**
	 * The twin's answer to a read Redis did not answer: kept as the twin's copy only once
	 * the backend has switched to it. While Redis is still in use (a missed deadline that
	 * switched nothing, or another caller catching up with Redis), the loader answers and
	 * nothing is kept: other instances' evictions reach the Redis side only.
	 */
	private Optional<V> answerWithoutRedis(String id, CacheLoader<V> loader) {
		return this.state.usesRedis() ? this.memory.loadUnkept(id, loader) : this.memory.get(id, loader);
	}

	@Override
	public NearLoads.Lookup<V> lookup(String id) {
		CacheRules.requireId(id);
		if (!followBackend()) {
			return lookupWithoutRedis(id);
		}
		Optional<V> near = this.redis.nearCopy(id);
		return (near != null) ? new NearLoads.Lookup<>(near, null)
				: this.failover.call(() -> this.redis.lookup(id), () -> lookupWithoutRedis(id));
	}

	/**
	 * As {@link #answerWithoutRedis}: while Redis is in use, a miss whose result is kept
	 * nowhere.
	 */
	private NearLoads.Lookup<V> lookupWithoutRedis(String id) {
		return this.state.usesRedis() ? NearLoads.Lookup.missKeepingNothing(id) : this.memory.lookup(id);
	}

	@Override
	public Eviction put(String id, Optional<V> value) {
		CacheRules.requireId(id);
		this.redis.forgetLocally(id);
		this.memory.forget(id);
		Eviction eviction = followBackend() ? this.failover.call(() -> this.redis.put(id, value), () -> null) : null;
		if (eviction != null) {
			return eviction;
		}
		// Redis keeps what it had: evicted once it is back. Meanwhile only the twin keeps
		// the value, for the degraded time.
		if (!this.state.usesRedis()) {
			this.memory.put(id, value);
		}
		return pending(() -> this.pending.add(id));
	}

	@Override
	public Eviction evict(String id) {
		CacheRules.requireId(id);
		this.redis.forgetLocally(id);
		this.memory.forget(id);
		Eviction eviction = delivered(() -> this.redis.deliverEviction(id), () -> this.pending.add(id));
		this.observer.onEviction(name(), false, eviction);
		return eviction;
	}

	@Override
	public Eviction evictAll() {
		this.redis.forgetAllLocally();
		this.memory.forgetAll();
		Eviction eviction = delivered(this.redis::deliverInvalidation, this.pending::addAll);
		this.observer.onEviction(name(), true, eviction);
		return eviction;
	}

	/**
	 * Takes an eviction to Redis; one that Redis cannot take now is kept pending and
	 * retried.
	 */
	private Eviction delivered(Supplier<Eviction> toRedis, Runnable keepPending) {
		Eviction eviction = followBackend() ? this.failover.call(toRedis, () -> null) : null;
		return (eviction != null) ? eviction : pending(keepPending);
	}

	/**
	 * An eviction did not reach Redis (made while Redis is away, or lost): it is
	 * delivered before this instance reads Redis again, on the next call if Redis is in
	 * use by then, and retried in the background meanwhile.
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
			catch (RejectedExecutionException ex) {
				// The app stops: what is pending stays with it (see role-cache.md).
			}
		}
	}

	/**
	 * A background retry: delivers what is pending if Redis is in use, and comes back
	 * while anything is pending.
	 */
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

	/** Stops the background retries and sweeps (the app stops). */
	void close() {
		this.closed = true;
		this.redis.close();
	}

	/** How many near copies this instance holds, on both sides. */
	long nearSize() {
		return this.redis.nearSize() + this.memory.size();
	}

	/**
	 * Catches up with a backend switch on the caller's thread, before anything is read:
	 * drops the near copies of both sides and, back on Redis with evictions that did not
	 * reach it, delivers them first.
	 * @return whether Redis is to be used
	 */
	private boolean followBackend() {
		long switches = this.state.switchCount();
		if (switches != this.nearEpoch) {
			synchronized (this) {
				if (switches != this.nearEpoch) {
					this.redis.forgetAllLocally();
					this.memory.forgetAll();
					this.nearEpoch = switches;
				}
			}
		}
		if (!this.state.usesRedis()) {
			return false;
		}
		if (this.redisEpoch != switches) {
			// One caller catches up (delivering pending evictions may take several
			// calls); the others do not queue
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
	 * Delivers the pending evictions: each id, or the whole cache at once when that was
	 * asked or there are many.
	 */
	private boolean deliverPending() {
		PendingEvictions.Batch batch = this.pending.take();
		boolean delivered = this.failover.call(() -> {
			this.redis.deliverLate(batch.all(), batch.ids().keySet());
			return true;
		}, () -> false);
		if (delivered) {
			this.pending.delivered(batch);
		}
		return delivered;
	}

}
