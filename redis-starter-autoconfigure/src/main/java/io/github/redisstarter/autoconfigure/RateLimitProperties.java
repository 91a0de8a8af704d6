package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.OutagePolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the rate limiter ({@code redis-starter.rate-limit.*}). */
@ConfigurationProperties("redis-starter.rate-limit")
public class RateLimitProperties {

	/** Whether the RateLimiter bean (and its HTTP integration) is created. */
	private boolean enabled = true;

	/**
	 * First part of every rate-limit key in Redis: '<prefix>:{<limit>:<key>}'. No '{' or
	 * '}'.
	 */
	private String keyPrefix = "rl";

	/**
	 * Where time comes from: 'redis' (Redis TIME inside the script, so app nodes with
	 * skewed clocks still agree) or 'client' (this JVM's clock, for managed Redis
	 * services that forbid TIME in scripts; the nodes' clocks must agree).
	 */
	private TimeSource timeSource = TimeSource.REDIS;

	/**
	 * How many recent denials each instance remembers, answering further requests of
	 * those keys locally until their retry time at no cost to Redis. 0 turns the deny
	 * cache off.
	 */
	private long denyCacheSize = 10_000;

	/**
	 * Most keys the in-memory limiter keeps per limit (with no Redis, or during an
	 * outage). Keys idle for their limit's longest period are dropped anyway; beyond the
	 * cap the least used are dropped early, which gives them a fresh budget.
	 */
	private long memoryMaxKeys = 100_000;

	/** The named limits, each with one or more bands such as '10/1s' checked together. */
	private Map<String, Limit> limits = new LinkedHashMap<>();

	private final Web web = new Web();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public TimeSource getTimeSource() {
		return this.timeSource;
	}

	public void setTimeSource(TimeSource timeSource) {
		this.timeSource = timeSource;
	}

	public long getDenyCacheSize() {
		return this.denyCacheSize;
	}

	public void setDenyCacheSize(long denyCacheSize) {
		this.denyCacheSize = denyCacheSize;
	}

	public long getMemoryMaxKeys() {
		return this.memoryMaxKeys;
	}

	public void setMemoryMaxKeys(long memoryMaxKeys) {
		this.memoryMaxKeys = memoryMaxKeys;
	}

	public Map<String, Limit> getLimits() {
		return this.limits;
	}

	public void setLimits(Map<String, Limit> limits) {
		this.limits = limits;
	}

	public Web getWeb() {
		return this.web;
	}

	/** Where the limiter takes time from. */
	public enum TimeSource {

		/** Redis TIME, read inside the script. */
		REDIS,

		/** This JVM's clock, sent with each check. */
		CLIENT

	}

	/** One named limit. */
	public static class Limit {

		/**
		 * The bands, checked together (all-or-nothing): '<permits>/<period>' such as
		 * '10/1s' or '1000/1h', as a list or comma-separated.
		 */
		private List<Band> bands = new ArrayList<>();

		/**
		 * What the limit does while a configured Redis is away: 'fallback' (count in
		 * memory, per instance), 'fail-open' (allow all) or 'fail-closed' (deny all).
		 */
		private OutagePolicy outagePolicy = OutagePolicy.FALLBACK;

		public List<Band> getBands() {
			return this.bands;
		}

		public void setBands(List<Band> bands) {
			this.bands = bands;
		}

		public OutagePolicy getOutagePolicy() {
			return this.outagePolicy;
		}

		public void setOutagePolicy(OutagePolicy outagePolicy) {
			this.outagePolicy = outagePolicy;
		}

	}

	/** The Spring MVC integration. */
	public static class Web {

		/**
		 * Whether controller methods annotated with @RateLimited and the rules below are
		 * limited, in Spring MVC and in WebFlux apps.
		 */
		private boolean enabled = true;

		/**
		 * Whether limited responses also carry the legacy X-RateLimit-Limit,
		 * X-RateLimit-Remaining and X-RateLimit-Reset headers, besides the IETF draft's
		 * RateLimit-Policy and RateLimit.
		 */
		private boolean legacyHeaders;

		/**
		 * Path rules: requests matching a rule are limited without touching the
		 * controller.
		 */
		private List<Rule> rules = new ArrayList<>();

		private final ClientIp clientIp = new ClientIp();

		public ClientIp getClientIp() {
			return this.clientIp;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isLegacyHeaders() {
			return this.legacyHeaders;
		}

		public void setLegacyHeaders(boolean legacyHeaders) {
			this.legacyHeaders = legacyHeaders;
		}

		public List<Rule> getRules() {
			return this.rules;
		}

		public void setRules(List<Rule> rules) {
			this.rules = rules;
		}

	}

	/** How the 'clientIp' key is made from the client's address. */
	public static class ClientIp {

		/**
		 * How many leading bits of an IPv6 client address make its key: 64 groups a
		 * client's usual allocation, so that one client cannot rotate through its
		 * addresses for fresh budgets; 128 keys each address alone. From 1 to 128.
		 */
		private int ipv6PrefixLength = 64;

		public int getIpv6PrefixLength() {
			return this.ipv6PrefixLength;
		}

		public void setIpv6PrefixLength(int ipv6PrefixLength) {
			this.ipv6PrefixLength = ipv6PrefixLength;
		}

	}

	/** One path rule. */
	public static class Rule {

		/**
		 * Path patterns the rule applies to, such as '/api/**' (Spring's PathPattern
		 * syntax).
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * HTTP methods the rule applies to, such as GET or POST; empty for every method.
		 */
		private List<String> methods = new ArrayList<>();

		/** The name of the limit to check. */
		private @Nullable String limit;

		/**
		 * A SpEL expression for the key, evaluated against the request: 'clientIp',
		 * 'principal', "header('X-Api-Key')", "pathVariable('id')", or any expression on
		 * 'request'. A request whose key is empty is not limited by the rule.
		 */
		private String key = "clientIp";

		/** Permits each matching request takes. */
		private long cost = 1;

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public @Nullable String getLimit() {
			return this.limit;
		}

		public void setLimit(@Nullable String limit) {
			this.limit = limit;
		}

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

		public long getCost() {
			return this.cost;
		}

		public void setCost(long cost) {
			this.cost = cost;
		}

	}

}
