package io.github.redisstarter.cache;

import java.util.Optional;

/**
 * The in-memory twin: the near cache is the whole cache, with single-flight loads. What
 * an app without Redis gets, and what answers while a configured Redis is away; then
 * ({@code degraded}) values live at most the degraded TTL, since evictions made by other
 * instances cannot reach this one.
 */
final class InMemoryTwoLevelCache<V> implements TwoLevelCache<V> {

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
		CacheRules.requireId(id);
		Optional<V> near = this.near.get(id);
		return (near != null) ? near : this.near.load(id, true, this.rules.settings.loadTimeout(), this::load);
	}

	private NearLoads.Loaded<V> load(String id) {
		Optional<V> value = this.rules.load(id);
		this.rules.encode(id, value);
		java.time.Duration lifetime = this.rules.lifetime(value);
		return new NearLoads.Loaded<>(value, this.degraded ? this.rules.degraded(lifetime) : lifetime);
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

	/** Drops the value of {@code id}, and marks a load of it in progress as overtaken. */
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
