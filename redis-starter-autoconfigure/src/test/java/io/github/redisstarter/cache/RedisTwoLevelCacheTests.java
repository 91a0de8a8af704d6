package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.redisstarter.cache.Roles.Role;
import io.github.redisstarter.connection.RedisCalls;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisSubscriber;
import io.github.redisstarter.connection.Secrets;
import io.github.redisstarter.connection.LettuceTestConnection;
import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The contract on the Redis-backed cache, and what only Redis has: sharing, invalidation, poison, SCAN. */
class RedisTwoLevelCacheTests extends TwoLevelCacheContract {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	private final List<RedisSubscriber> subscribers = new java.util.ArrayList<>();

	private final CountingObserver observer = new CountingObserver();

	private int created;

	@AfterEach
	void closeSubscribers() {
		this.subscribers.forEach(RedisSubscriber::close);
	}

	@Override
	protected TwoLevelCache<Role> create(CacheLoader<Role> loader, CacheSettings settings) {
		return instance().create("roles" + (this.created++), codec(), loader, settings);
	}

	/** A deadline no busy test machine reaches: these tests are about freshness, not slowness. */
	private static final RedisCalls PATIENT = RedisCalls.withFixedDeadline(Duration.ofSeconds(2));

	/** One app instance: its own backend state and invalidation subscription, sharing the Redis server. */
	private TwoLevelCacheFactory instance() {
		BackendState state = connection.onRedis();
		RedisSubscriber subscriber = new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8), Secrets.none());
		this.subscribers.add(subscriber);
		return new TwoLevelCacheFactory(state, connection::async, PATIENT, subscriber, JsonMapper.builder().build(),
				this.observer, "cache", (name) -> SETTINGS);
	}

	private static JsonCacheCodec<Role> codec() {
		return new JsonCacheCodec<>(JsonMapper.builder().build(), Role.class);
	}

	@Test
	void valuesAreStoredAsJsonUnderAVersionedHashTaggedKey() {
		this.cache.get("admin");
		this.cache.get("nobody");
		String admin = (String) redis.server().command("GET", "cache:{roles0:1}:admin");
		assertThat(admin).startsWith("V").endsWith(" {\"id\":\"admin\",\"name\":\"Administrator\",\"permissions\":[\"users:write\",\"roles:write\"]}");
		assertThat((String) redis.server().command("GET", "cache:{roles0:1}:nobody")).endsWith(" null");
		long ttl = (Long) redis.server().command("PTTL", "cache:{roles0:1}:admin");
		assertThat(ttl).isBetween(1L, 800L);
		assertThat((Long) redis.server().command("PTTL", "cache:{roles0:1}:nobody")).isBetween(1L, 400L);
	}

	@Test
	void twoInstancesShareValuesAndAnEvictionOnOneReachesTheOtherAtOnce() {
		CacheSettings longNear = new CacheSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), 0.1,
				Duration.ofMinutes(1), 1000, Duration.ofSeconds(30), Duration.ofSeconds(2), "1", 1024 * 1024);
		TwoLevelCache<Role> a = instance().create("shared", codec(), this.roles, longNear);
		TwoLevelCache<Role> b = instance().create("shared", codec(), this.roles, longNear);
		assertThat(a.get("admin")).map(Role::name).contains("Administrator");
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			b.get("admin");
			return this.observer.count("shared", "hit L1") > 0;
		});
		assertThat(this.roles.loads).hasValue(1);

		this.roles.put(new Role("admin", "Changed", List.of()));
		a.evict("admin");
		// B's near copy (1 minute) is gone at once: the next read goes to Redis, then the loader.
		await().atMost(Duration.ofSeconds(2)).until(() -> b.get("admin").map(Role::name).orElse("").equals("Changed"));
		assertThat(a.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void aValueThatNoLongerDecodesIsHealed() {
		redis.server().command("SET", "cache:{roles0:1}:admin", "V1795000000000000 {\"identifier\":42");
		assertThat(this.cache.get("admin")).map(Role::name).contains("Administrator");
		assertThat(this.observer.count("roles0", "poisoned")).isEqualTo(1);
		assertThat((String) redis.server().command("GET", "cache:{roles0:1}:admin")).contains("\"name\":\"Administrator\"");
		assertThat(this.cache.get("admin")).isPresent();
		assertThat(this.roles.loads).hasValue(1);
	}

	@Test
	void aLoadOvertakenByAnEvictionIsNotStored() throws Exception {
		this.roles.delayMillis = 300;
		Thread reader = new Thread(() -> this.cache.get("admin"));
		reader.start();
		await().until(() -> this.roles.loads.get() == 1);
		// The reader has read the old row; the row changes and is evicted before its load ends.
		this.roles.put(new Role("admin", "Changed", List.of()));
		this.cache.evict("admin");
		reader.join();
		assertThat((String) redis.server().command("GET", "cache:{roles0:1}:admin")).startsWith("T");
		this.roles.delayMillis = 0;
		assertThat(this.cache.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void noNearCopyIsKeptWhileTheSubscriptionIsNotLive() {
		// A subscription that cannot connect: evictions published meanwhile would never reach a near copy.
		RedisSubscriber deaf = new RedisSubscriber(() -> {
			throw new IllegalStateException("no pub/sub connection in this test");
		}, Secrets.none());
		this.subscribers.add(deaf);
		DefaultTwoLevelCache<Role> cache = (DefaultTwoLevelCache<Role>) new TwoLevelCacheFactory(connection.onRedis(),
				connection::async, PATIENT, deaf, JsonMapper.builder().build(), this.observer, "cache", (name) -> SETTINGS)
			.create("deaf", codec(), this.roles, SETTINGS);
		assertThat(cache.get("admin")).isPresent();
		assertThat(cache.get("admin")).isPresent();
		assertThat(cache.nearSize()).isZero();
		assertThat(this.roles.loads).hasValue(1);
	}

	@Test
	void aDroppedSubscriptionClearsNearCopies() {
		CacheSettings longNear = new CacheSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), 0.1,
				Duration.ofMinutes(1), 1000, Duration.ofSeconds(30), Duration.ofSeconds(2), "1", 1024 * 1024);
		DefaultTwoLevelCache<Role> cache = (DefaultTwoLevelCache<Role>) instance().create("near", codec(), this.roles,
				longNear);
		RedisSubscriber subscriber = this.subscribers.get(this.subscribers.size() - 1);
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			cache.get("admin");
			return subscriber.isLive() && cache.nearSize() == 1;
		});
		redis.server().command("CLIENT", "KILL", "TYPE", "pubsub");
		await().atMost(Duration.ofSeconds(5)).until(() -> cache.nearSize() == 0);
		// Once re-subscribed, near copies are kept again.
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			cache.get("admin");
			return cache.nearSize() == 1;
		});
	}

	@Test
	void evictAllSweepsAHundredThousandKeysWithScanNeverKeys() throws Exception {
		StringBuilder protocol = new StringBuilder();
		for (int i = 0; i < 100_000; i++) {
			String key = "cache:{roles0:1}:role-" + i;
			protocol.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n$4\r\nV1 x\r\n");
		}
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redis.server().port())) {
			socket.getOutputStream().write(protocol.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			await().atMost(Duration.ofSeconds(30)).until(() -> (Long) redis.server().command("DBSIZE") >= 100_000);
		}
		redis.server().command("CONFIG", "RESETSTAT");
		redis.server().command("CONFIG", "SET", "slowlog-log-slower-than", "0");
		redis.server().command("CONFIG", "SET", "slowlog-max-len", "10000");
		redis.server().command("SLOWLOG", "RESET");
		try {
			this.cache.evictAll();
		}
		finally {
			redis.server().command("CONFIG", "SET", "slowlog-log-slower-than", "10000");
		}
		assertThat((Long) redis.server().command("DBSIZE")).isEqualTo(1);
		Map<String, Long> calls = calls();
		assertThat(calls).doesNotContainKey("keys").doesNotContainKey("flushdb").doesNotContainKey("flushall");
		assertThat(calls.get("scan")).isGreaterThanOrEqualTo(100);
		// Every batch is small: the slowest command stayed far below what would block other clients.
		assertThat(slowestMicros()).isLessThan(100_000);
	}

	private static Map<String, Long> calls() {
		Map<String, Long> calls = new TreeMap<>();
		for (String line : String.valueOf(redis.server().command("INFO", "commandstats")).split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				int at = line.indexOf("calls=") + 6;
				calls.put(name, Long.parseLong(line.substring(at, line.indexOf(',', at))));
			}
		}
		return calls;
	}

	/** The longest single command in the slow log (its threshold set to 0: every command is logged). */
	@SuppressWarnings("unchecked")
	private static long slowestMicros() {
		long slowest = 0;
		List<Object> entries = (List<Object>) redis.server().command("SLOWLOG", "GET", "10000");
		assertThat(entries).hasSizeGreaterThan(200);
		for (Object entry : entries) {
			slowest = Math.max(slowest, (Long) ((List<Object>) entry).get(2));
		}
		return slowest;
	}

	/** Counts the observer's events by cache. */
	static final class CountingObserver implements CacheObserver {

		private final Map<String, java.util.concurrent.atomic.AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();

		long count(String cache, String event) {
			java.util.concurrent.atomic.AtomicLong count = this.counts.get(cache + " " + event);
			return (count != null) ? count.get() : 0;
		}

		private void add(String cache, String event) {
			this.counts.computeIfAbsent(cache + " " + event, (k) -> new java.util.concurrent.atomic.AtomicLong())
				.incrementAndGet();
		}

		@Override
		public void onHit(String cache, Level level) {
			add(cache, "hit " + level);
		}

		@Override
		public void onPoisoned(String cache) {
			add(cache, "poisoned");
		}

	}

}
