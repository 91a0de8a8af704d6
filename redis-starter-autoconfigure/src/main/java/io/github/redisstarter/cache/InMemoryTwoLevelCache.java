package io.github.redisstarter.cache;

import java.util.Optional;

/**
 * The in-memory twin: the near cache is the whole cache, with single-flight loads. What
 * an app without Redis gets, and what answers while a configured Redis is away; then
 * ({@code degraded}) values live at most the degraded TTL, since evictions made by other
 * instances cannot reach this one.
 */
final class InMemoryTwoLevelCache<V> implements SettableCache<V> {

	private final CacheRules<V> rules;

	private final boolean degraded;

	private final NearLoads<V> near;

	InMemoryTwoLevelCache(CacheRules<V> rules, boolean degraded) {
		this.rules = rules;
		this.degraded = degraded;
		this.near = new NearLoads<>(rules.settings.nearMaxSize(), new NearStats(rules.name, rules.observer));
	}

	@Override
	public String name() {
		return this.rules.name;
	}

	@Override
	public Optional<V> get(String id) {
		return get(id, this.rules.loader());
	}

	@Override
	public Optional<V> get(String id, CacheLoader<V> loader) {
		CacheRules.requireId(id);
		Optional<V> near = this.near.get(id);
		return (near != null) ? near
				: this.near.load(id, true, this.rules.settings.loadTimeout(), (key) -> kept(key, answer(key, loader)));
	}

	/**
	 * The loader's answer for {@code id}, one load per id at a time, kept nowhere: what
	 * answers a read that a configured Redis in use did not answer in time. A copy kept
	 * then would be out of reach of the other instances' evictions, which reach the Redis
	 * side only, and could be served at the next missed read.
	 */
	Optional<V> loadUnkept(String id, CacheLoader<V> loader) {
		return this.near.load(id, true, this.rules.settings.loadTimeout(),
				(key) -> new NearLoads.Loaded<>(answer(key, loader), null));
	}

	@Override
	public NearLoads.Lookup<V> lookup(String id) {
		CacheRules.requireId(id);
		Optional<V> near = this.near.get(id);
		return (near != null) ? new NearLoads.Lookup<>(near, null) : this.near.lookup(id, true,
				this.rules.settings.loadTimeout(),
				(key) -> NearLoads.Probe.miss(this.rules.countedAsLoad((value) -> kept(key, checked(key, value)))));
	}

	@Override
	public Eviction put(String id, Optional<V> value) {
		CacheRules.requireId(id);
		this.near.put(id, kept(id, checked(id, value)));
		return Eviction.EVERYWHERE;
	}

	/** How long an answer is kept: its lifetime, within the degraded time if degraded. */
	private NearLoads.Loaded<V> kept(String id, Optional<V> value) {
		java.time.Duration lifetime = this.rules.lifetime(value);
		return new NearLoads.Loaded<>(value, this.degraded ? this.rules.degraded(lifetime) : lifetime);
	}

	/**
	 * The loader's answer, refused when larger than the cache allows (the limit holds on
	 * both sides).
	 */
	private Optional<V> answer(String id, CacheLoader<V> loader) {
		return checked(id, this.rules.load(id, loader));
	}

	/** The value, refused as Redis would refuse it: too large, or not encodable. */
	private Optional<V> checked(String id, Optional<V> value) {
		this.rules.encode(id, value);
		return value;
	}

	@Override
	public Eviction evict(String id) {
		CacheRules.requireId(id);
		forget(id);
		this.rules.observer.onEviction(this.rules.name, false, Eviction.EVERYWHERE);
		return Eviction.EVERYWHERE;
	}

	@Override
	public Eviction evictAll() {
		forgetAll();
		this.rules.observer.onEviction(this.rules.name, true, Eviction.EVERYWHERE);
		return Eviction.EVERYWHERE;
	}

	/**
	 * Drops the value of {@code id}, and any load of it in progress: its result is kept
	 * nowhere.
	 */
	void forget(String id) {
		this.near.invalidate(id);
	}

	/** Drops every value: loads that began before keep nothing. */
	void forgetAll() {
		this.near.clear();
	}

	long size() {
		return this.near.size();
	}

}
