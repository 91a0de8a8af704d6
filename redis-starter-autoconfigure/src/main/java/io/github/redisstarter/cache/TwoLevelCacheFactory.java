package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import io.github.redisstarter.connection.internal.DaemonThreads;
import io.github.redisstarter.connection.internal.RedisCommandSource;

/**
 * Makes {@link TwoLevelCache}s that share the app's Redis connection, invalidation
 * subscription and backend state: a further cache (permissions, users) is one call.
 *
 * <pre class="code">
 * TwoLevelCache&lt;Permission&gt; permissions = caches.create("permissions", Permission.class, repository::findPermission);
 * </pre>
 */
public final class TwoLevelCacheFactory implements AutoCloseable {

	private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private final Failover failover;

	private final @Nullable RedisCommandSource commands;

	private final @Nullable RedisSubscriber subscriber;

	private final JsonMapper mapper;

	private final CacheObserver observer;

	private final String keyPrefix;

	private final RedisCalls calls;

	private final Function<String, CacheSettings> settings;

	private final Map<String, TwoLevelCache<?>> created = new ConcurrentHashMap<>();

	/**
	 * The caches' background work, one daemon thread (started with the first task):
	 * retries of pending evictions and the sweeps after evictAll, one at a time.
	 */
	private final ScheduledExecutorService background = Executors
		.newSingleThreadScheduledExecutor(DaemonThreads.named("cache"));

	/** This instance's acknowledgments, made with the first cache on Redis. */
	private @Nullable Acknowledgments acknowledgments;

	/**
	 * @param commands the shared Redis connection, or {@code null} for caches that never
	 * use Redis
	 * @param calls how long a cache call waits for Redis (then the loader answers), and
	 * what Redis' answers tell the backend: normally
	 * {@code new RedisCalls(failover.state())}
	 * @param subscriber the app's pub/sub connection, for invalidations, or {@code null}
	 * alike
	 * @param keyPrefix the first part of every key, letters, digits, '.', '_', '-' or ':'
	 * @param settings the settings of the cache of a given name
	 */
	public TwoLevelCacheFactory(Failover failover, @Nullable RedisCommandSource commands, RedisCalls calls,
			@Nullable RedisSubscriber subscriber, JsonMapper mapper, CacheObserver observer, String keyPrefix,
			Function<String, CacheSettings> settings) {
		if (keyPrefix == null || !KEY_PREFIX.matcher(keyPrefix).matches()) {
			throw new IllegalArgumentException(
					"'keyPrefix' must be 1 to 64 letters, digits, '.', '_', '-' or ':', got '" + keyPrefix + "'");
		}
		this.failover = failover;
		this.commands = commands;
		this.subscriber = subscriber;
		this.mapper = mapper;
		this.observer = observer;
		this.keyPrefix = keyPrefix;
		this.calls = calls;
		this.settings = settings;
	}

	/**
	 * A cache of JSON values of {@code type}, with the settings configured for
	 * {@code name}.
	 */
	public <V> TwoLevelCache<V> create(String name, Class<V> type, CacheLoader<V> loader) {
		return create(name, new JsonCacheCodec<>(this.mapper, type), loader, this.settings.apply(name));
	}

	/**
	 * A cache with its own codec and settings.
	 * @throws IllegalArgumentException when the name is not 1 to 64 letters, digits, '.',
	 * '_' or '-', or is taken
	 */
	public <V> TwoLevelCache<V> create(String name, CacheCodec<V> codec, CacheLoader<V> loader,
			CacheSettings settings) {
		return build(name, codec, loader, settings);
	}

	/**
	 * A cache that its callers fill (Spring's cache abstraction), with the settings
	 * configured for {@code name}: it has no loader of its own.
	 */
	<V> SettableCache<V> createSettable(String name, CacheCodec<V> codec) {
		return build(name, codec, (id) -> {
			throw new IllegalStateException("Cache '" + name + "' has no loader of its own: it is filled through"
					+ " Spring's cache annotations or the CacheManager's Cache");
		}, this.settings.apply(name));
	}

	private <V> SettableCache<V> build(String name, CacheCodec<V> codec, CacheLoader<V> loader,
			CacheSettings settings) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"'name' must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
		}
		Objects.requireNonNull(codec, "'codec' must not be null");
		CacheRules<V> rules = new CacheRules<>(name, Objects.requireNonNull(loader, "'loader' must not be null"), codec,
				settings, this.observer);
		// Values kept while a configured Redis is away live at most the degraded TTL.
		InMemoryTwoLevelCache<V> memory = new InMemoryTwoLevelCache<>(rules, this.failover.state().canFallBack());
		if (this.commands == null || this.failover.state().endpoint() == null) {
			register(name, memory);
			return memory;
		}
		RedisCacheStore store = new RedisCacheStore(this.keyPrefix, name, settings.version(), this.commands, this.calls,
				settings.loadTimeout());
		Acknowledgments acks = (this.subscriber != null) ? acknowledgments() : null;
		RedisTwoLevelCache<V> redis = new RedisTwoLevelCache<>(rules, store, this.subscriber, acks, this.failover,
				this.background);
		FailoverTwoLevelCache<V> cache = new FailoverTwoLevelCache<>(redis, memory, this.failover, this.observer,
				this.background);
		register(name, cache);
		if (this.subscriber != null) {
			redis.listenOn(this.subscriber, RedisCacheStore.channelName(this.keyPrefix, name, settings.version()));
		}
		return cache;
	}

	JsonMapper mapper() {
		return this.mapper;
	}

	private void register(String name, TwoLevelCache<?> cache) {
		if (this.created.putIfAbsent(name, cache) != null) {
			throw new IllegalArgumentException(
					"A cache named '" + name + "' exists already; give each cache its own name");
		}
	}

	/**
	 * How many near copies the cache of that name holds in this instance (an estimate
	 * that counts copies about to expire), or -1 when this factory made no cache of that
	 * name.
	 */
	public long nearSize(String name) {
		TwoLevelCache<?> cache = this.created.get(name);
		if (cache instanceof FailoverTwoLevelCache<?> failover) {
			return failover.nearSize();
		}
		return (cache instanceof InMemoryTwoLevelCache<?> memory) ? memory.size() : -1;
	}

	private synchronized Acknowledgments acknowledgments() {
		if (this.acknowledgments == null) {
			this.acknowledgments = new Acknowledgments(this.keyPrefix, this.commands, this.subscriber);
		}
		return this.acknowledgments;
	}

	/**
	 * Stops the caches' background work: retries of evictions that have not reached
	 * Redis, and sweeps.
	 */
	@Override
	public void close() {
		// The caches with a Redis side have background work of their own.
		this.created.values().forEach((cache) -> {
			if (cache instanceof FailoverTwoLevelCache<?> withRedis) {
				withRedis.close();
			}
		});
		this.background.shutdownNow();
	}

}
