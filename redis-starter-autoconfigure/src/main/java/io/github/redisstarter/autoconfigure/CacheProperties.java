package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.redisstarter.cache.CacheSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the two-level caches ({@code redis-starter.cache.*}): defaults for every
 * cache, and per cache under {@code redis-starter.cache.caches.<name>} (the role cache is
 * {@code roles}).
 */
@ConfigurationProperties("redis-starter.cache")
public class CacheProperties {

	private static final CacheSettings DEFAULTS = CacheSettings.defaults();

	/**
	 * Whether the cache beans (the cache factory, and the RoleCache when a RoleLoader
	 * bean exists) are created.
	 */
	private boolean enabled = true;

	/** First part of every cache key in Redis: '<prefix>:<cache>:<version>:{<id>}'. */
	private String keyPrefix = "cache";

	/** How long a value lives in Redis (and in memory when no Redis is configured). */
	private Duration ttl = DEFAULTS.ttl();

	/** How long a miss (the loader found nothing) is remembered. */
	private Duration negativeTtl = DEFAULTS.negativeTtl();

	/**
	 * Fraction by which each TTL is shortened at random, so that values cached together
	 * do not expire together.
	 */
	private double ttlJitter = DEFAULTS.ttlJitter();

	/** How long an instance keeps its near copy (L1) of a value while Redis is in use. */
	private Duration nearTtl = DEFAULTS.nearTtl();

	/** The most near copies an instance keeps per cache. */
	private long nearMaxSize = DEFAULTS.nearMaxSize();

	/**
	 * The longest a value cached while a configured Redis is away lives: other instances'
	 * evictions cannot reach this one then.
	 */
	private Duration degradedTtl = DEFAULTS.degradedTtl();

	/**
	 * How long a caller waits for another caller's load of the same id before loading
	 * itself; also the longest a load may take and still be stored in Redis.
	 */
	private Duration loadTimeout = DEFAULTS.loadTimeout();

	/**
	 * Part of every key: bump it when the cached type changes incompatibly, and old
	 * entries are ignored.
	 */
	private String version = DEFAULTS.version();

	/**
	 * The largest value (encoded as JSON) a cache keeps. A loader answer above it is
	 * refused with an exception naming this property, and nothing is cached or sent to
	 * Redis.
	 */
	private DataSize maxValueSize = DataSize.ofBytes(DEFAULTS.maxValueBytes());

	/**
	 * Whether 'evict' returns only once every instance on Redis has dropped its near copy
	 * (each acknowledges; one that does not is waited for up to
	 * 'redis-starter.subscription-lease'). False: 'evict' returns once Redis took the
	 * eviction, and other instances drop their copies when the message reaches them.
	 */
	private boolean acknowledgeEvictions = DEFAULTS.acknowledgeEvictions();

	/** Settings of single caches by name, overriding the defaults above. */
	private Map<String, Cache> caches = new LinkedHashMap<>();

	/**
	 * Packages (with their subpackages) whose types values of Spring's cache annotations
	 * may be read back as, besides the application's own packages and common JDK value
	 * types (String, numbers, collections, java.time). A value of another type is refused
	 * when stored, with an exception naming this property.
	 */
	private List<String> trustedPackages = new ArrayList<>();

	/**
	 * Whether Spring's cache annotations cache a null result (as "none", for the negative
	 * TTL), as Spring's caches do by default.
	 */
	private boolean cacheNullValues = true;

	private final Manager cacheManager = new Manager();

	/**
	 * The settings of the cache of this name: its own where set, the defaults otherwise.
	 * @throws IllegalArgumentException when they break a rule of {@link CacheSettings}
	 */
	public CacheSettings settingsOf(String name) {
		Cache own = this.caches.getOrDefault(name, new Cache());
		return new CacheSettings(or(own.ttl, this.ttl), or(own.negativeTtl, this.negativeTtl),
				or(own.ttlJitter, this.ttlJitter), or(own.nearTtl, this.nearTtl), or(own.nearMaxSize, this.nearMaxSize),
				or(own.degradedTtl, this.degradedTtl), or(own.loadTimeout, this.loadTimeout),
				or(own.version, this.version), or(own.maxValueSize, this.maxValueSize).toBytes(),
				or(own.acknowledgeEvictions, this.acknowledgeEvictions));
	}

	/** The property prefix of the cache of this name: its own section when it has one. */
	String propertyPrefix(String name) {
		return "redis-starter.cache" + (this.caches.containsKey(name) ? ".caches." + name : "");
	}

	private static <T> T or(@Nullable T own, T fallback) {
		return (own != null) ? own : fallback;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public List<String> getTrustedPackages() {
		return this.trustedPackages;
	}

	public void setTrustedPackages(List<String> trustedPackages) {
		this.trustedPackages = trustedPackages;
	}

	public boolean isCacheNullValues() {
		return this.cacheNullValues;
	}

	public void setCacheNullValues(boolean cacheNullValues) {
		this.cacheNullValues = cacheNullValues;
	}

	public Manager getCacheManager() {
		return this.cacheManager;
	}

	/** Spring's cache abstraction over the two-level caches. */
	public static class Manager {

		/**
		 * Whether an app that enables Spring's caching (@EnableCaching) gets the
		 * two-level caches as its CacheManager, unless it defines its own or sets
		 * 'spring.cache.type'.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

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

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getNegativeTtl() {
		return this.negativeTtl;
	}

	public void setNegativeTtl(Duration negativeTtl) {
		this.negativeTtl = negativeTtl;
	}

	public double getTtlJitter() {
		return this.ttlJitter;
	}

	public void setTtlJitter(double ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	public Duration getNearTtl() {
		return this.nearTtl;
	}

	public void setNearTtl(Duration nearTtl) {
		this.nearTtl = nearTtl;
	}

	public long getNearMaxSize() {
		return this.nearMaxSize;
	}

	public void setNearMaxSize(long nearMaxSize) {
		this.nearMaxSize = nearMaxSize;
	}

	public Duration getDegradedTtl() {
		return this.degradedTtl;
	}

	public void setDegradedTtl(Duration degradedTtl) {
		this.degradedTtl = degradedTtl;
	}

	public Duration getLoadTimeout() {
		return this.loadTimeout;
	}

	public void setLoadTimeout(Duration loadTimeout) {
		this.loadTimeout = loadTimeout;
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public boolean isAcknowledgeEvictions() {
		return this.acknowledgeEvictions;
	}

	public void setAcknowledgeEvictions(boolean acknowledgeEvictions) {
		this.acknowledgeEvictions = acknowledgeEvictions;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public Map<String, Cache> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, Cache> caches) {
		this.caches = caches;
	}

	/** One cache's own settings; each unset one falls back to the default above. */
	public static class Cache {

		/** How long a value lives in Redis. */
		private @Nullable Duration ttl;

		/** How long a miss is remembered. */
		private @Nullable Duration negativeTtl;

		/** Fraction by which each TTL is shortened at random. */
		private @Nullable Double ttlJitter;

		/** How long an instance keeps its near copy while Redis is in use. */
		private @Nullable Duration nearTtl;

		/** The most near copies an instance keeps. */
		private @Nullable Long nearMaxSize;

		/** The longest a value cached while Redis is away lives. */
		private @Nullable Duration degradedTtl;

		/** How long a caller waits for another caller's load of the same id. */
		private @Nullable Duration loadTimeout;

		/**
		 * Part of every key of this cache: bump it when the cached type changes
		 * incompatibly.
		 */
		private @Nullable String version;

		/** The largest value (encoded as JSON) this cache keeps. */
		private @Nullable DataSize maxValueSize;

		/**
		 * Whether 'evict' waits until every instance has dropped its copy (see the
		 * default above).
		 */
		private @Nullable Boolean acknowledgeEvictions;

		public @Nullable Boolean getAcknowledgeEvictions() {
			return this.acknowledgeEvictions;
		}

		public void setAcknowledgeEvictions(@Nullable Boolean acknowledgeEvictions) {
			this.acknowledgeEvictions = acknowledgeEvictions;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Duration getNegativeTtl() {
			return this.negativeTtl;
		}

		public void setNegativeTtl(@Nullable Duration negativeTtl) {
			this.negativeTtl = negativeTtl;
		}

		public @Nullable Double getTtlJitter() {
			return this.ttlJitter;
		}

		public void setTtlJitter(@Nullable Double ttlJitter) {
			this.ttlJitter = ttlJitter;
		}

		public @Nullable Duration getNearTtl() {
			return this.nearTtl;
		}

		public void setNearTtl(@Nullable Duration nearTtl) {
			this.nearTtl = nearTtl;
		}

		public @Nullable Long getNearMaxSize() {
			return this.nearMaxSize;
		}

		public void setNearMaxSize(@Nullable Long nearMaxSize) {
			this.nearMaxSize = nearMaxSize;
		}

		public @Nullable Duration getDegradedTtl() {
			return this.degradedTtl;
		}

		public void setDegradedTtl(@Nullable Duration degradedTtl) {
			this.degradedTtl = degradedTtl;
		}

		public @Nullable Duration getLoadTimeout() {
			return this.loadTimeout;
		}

		public void setLoadTimeout(@Nullable Duration loadTimeout) {
			this.loadTimeout = loadTimeout;
		}

		public @Nullable String getVersion() {
			return this.version;
		}

		public void setVersion(@Nullable String version) {
			this.version = version;
		}

		public @Nullable DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(@Nullable DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

	}

}
