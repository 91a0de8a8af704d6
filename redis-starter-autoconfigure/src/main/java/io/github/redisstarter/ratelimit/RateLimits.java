package io.github.redisstarter.ratelimit;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.redisstarter.connection.internal.CallerText;

/** The named limits of an app, fixed at startup. */
public final class RateLimits {

	private final Map<String, RateLimit> byName;

	private final Map<String, CompiledLimit> compiled = new java.util.HashMap<>();

	private RateLimits(Map<String, RateLimit> byName) {
		this.byName = byName;
		for (RateLimit limit : byName.values()) {
			this.compiled.put(limit.name(), CompiledLimit.of(limit, this.compiled.size()));
		}
	}

	public static RateLimits of(RateLimit... limits) {
		return of(java.util.List.of(limits));
	}

	/**
	 * @throws IllegalArgumentException when two limits share a name
	 */
	public static RateLimits of(Collection<RateLimit> limits) {
		Map<String, RateLimit> byName = new LinkedHashMap<>();
		for (RateLimit limit : limits) {
			RateLimit previous = byName.putIfAbsent(limit.name(), limit);
			if (previous != null) {
				throw new IllegalArgumentException("rate limit '" + limit.name() + "' is defined twice: " + previous
						+ " and " + limit + "; give each a distinct name");
			}
		}
		return new RateLimits(java.util.Collections.unmodifiableMap(byName));
	}

	/**
	 * @throws IllegalArgumentException naming the defined limits when none has this name
	 */
	public RateLimit get(String name) {
		return compiled(name).limit();
	}

	/** The limit ready for checks: one map lookup per check. */
	/**
	 * Checks that a request may cost {@code cost} permits of the limit {@code name}: from
	 * 1 to the permits of its smallest band, the rule every check applies.
	 * @throws IllegalArgumentException when it may not, or no limit has that name
	 */
	public void checkCost(String name, long cost) {
		compiled(name).checkCost(cost);
	}

	CompiledLimit compiled(String name) {
		if (name == null) {
			throw new IllegalArgumentException("'limit' must not be null");
		}
		CompiledLimit limit = this.compiled.get(name);
		if (limit == null) {
			throw new IllegalArgumentException("'limit' names no defined rate limit: " + CallerText.quote(name)
					+ "; defined: " + this.byName.keySet().stream().sorted().toList()
					+ " (define it under redis-starter.rate-limit.limits.<name> or as a RateLimit bean)");
		}
		return limit;
	}

	/** Every limit ready for checks, in no particular order (each knows its index). */
	Collection<CompiledLimit> compiledAll() {
		return this.compiled.values();
	}

	public Collection<RateLimit> all() {
		return this.byName.values();
	}

	@Override
	public String toString() {
		return this.byName.values().toString();
	}

}
