package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.github.redisstarter.cache.Roles.Role;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.test.RedisServerExtension;
import io.github.redisstarter.test.TcpProxy;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract on the Redis-backed cache, and what only Redis has: sharing, invalidation,
 * poison, SCAN.
 */
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

	/**
	 * A cache whose invalidation subscription is live, as in a running app: until it is,
	 * each caller loads on its own (nothing could mark a shared load that an eviction
	 * overtook).
	 */
	@Override
	protected TwoLevelCache<Role> create(CacheLoader<Role> loader, CacheSettings settings) {
		String name = "roles" + (this.created++);
		TwoLevelCache<Role> cache = instance().create(name, codec(), loader, settings);
		RedisSubscriber subscriber = lastSubscriber();
		await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.isLive("cache:{" + name + ":1}:invalidations"));
		return cache;
	}

	/**
	 * A deadline no busy test machine reaches: these tests are about freshness, not
	 * slowness.
	 */
	private static final RedisCalls PATIENT = RedisCalls.withFixedDeadline(Duration.ofSeconds(2));

	/**
	 * One app instance: its own backend state and invalidation subscription, sharing the
	 * Redis server.
	 */
	private TwoLevelCacheFactory instance() {
		return instance(connection.onRedis(), () -> connection.client().connectPubSub(StringCodec.UTF8),
				RedisSubscriber.DEFAULT_LEASE);
	}

	/**
	 * One app instance whose pub/sub connection is opened by {@code pubSub} and
	 * heartbeaten within {@code lease}.
	 */
	private TwoLevelCacheFactory instance(BackendState state,
			Supplier<StatefulRedisPubSubConnection<String, String>> pubSub, Duration lease) {
		RedisSubscriber subscriber = new RedisSubscriber(pubSub, Secrets.none(), lease);
		this.subscribers.add(subscriber);
		return new TwoLevelCacheFactory(new DefaultFailover(state), connection::async, PATIENT, subscriber,
				JsonMapper.builder().build(), this.observer, "cache", (name) -> SETTINGS);
	}

	private RedisSubscriber lastSubscriber() {
		return this.subscribers.get(this.subscribers.size() - 1);
	}

	/** Near copies that would outlive the test: only an invalidation removes them. */
	private static final CacheSettings LONG_NEAR = new CacheSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), 0.1,
			Duration.ofMinutes(1), 1000, Duration.ofSeconds(30), Duration.ofSeconds(2), "1", 1024 * 1024);

	/** Reads until {@code cache} serves {@code id} from its near copy. */
	private void nearCopyOf(String cache, TwoLevelCache<Role> instance, String id) {
		long before = this.observer.count(cache, "hit L1");
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			instance.get(id);
			return this.observer.count(cache, "hit L1") > before;
		});
	}

	@Test
	void anEvictionReturnsOnlyOnceTheOtherInstanceHasDroppedItsCopy() throws Exception {
		TwoLevelCache<Role> a = instance().create("ryw", codec(), this.roles, LONG_NEAR);
		TwoLevelCache<Role> b = instance().create("ryw", codec(), this.roles, LONG_NEAR);
		nearCopyOf("ryw", b, "admin");
		// B's Lettuce I/O thread is busy for 300 ms (a slow listener of another channel):
		// A's invalidation reaches B
		// late, as it does behind a GC pause or a burst of messages.
		java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
		lastSubscriber().subscribe("busy", (channel, message) -> {
			busy.countDown();
			sleep(300);
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> (Long) redis.server().command("PUBLISH", "busy", "now") >= 1);
		busy.await();
		this.roles.put(new Role("admin", "Changed", List.of()));
		assertThat(a.evict("admin")).isEqualTo(Eviction.EVERYWHERE);
		// The revoking request has returned: no read that starts now may see the old
		// role, on either instance.
		assertThat(b.get("admin")).map(Role::name).contains("Changed");
		assertThat(a.get("admin")).map(Role::name).contains("Changed");
		assertThat(this.observer.count("ryw", "unacknowledged")).isZero();
	}

	@Test
	void noReadThatStartsAfterAnUpdateReturnedSeesTheVersionBeforeItOnEitherInstance() throws Exception {
		List<TwoLevelCache<Role>> instances = List.of(instance().create("rw", codec(), this.roles, LONG_NEAR),
				instance().create("rw", codec(), this.roles, LONG_NEAR));
		this.roles.put(new Role("admin", "0", List.of()));
		java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
		java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
		List<String> stale = new CopyOnWriteArrayList<>();
		long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
		List<Thread> threads = new java.util.ArrayList<>();
		// One writer updates the role through the instances in turn; an update has
		// completed when evict returned.
		threads.add(new Thread(() -> {
			for (long version = 1; System.nanoTime() < end; version++) {
				this.roles.put(new Role("admin", Long.toString(version), List.of()));
				instances.get((int) (version % 2)).evict("admin");
				completed.set(version);
				sleep(2);
			}
		}));
		// Three readers on each instance.
		for (TwoLevelCache<Role> instance : instances) {
			for (int r = 0; r < 3; r++) {
				threads.add(new Thread(() -> {
					while (System.nanoTime() < end) {
						long floor = completed.get();
						long seen = Long.parseLong(instance.get("admin").orElseThrow().name());
						reads.incrementAndGet();
						if (seen < floor) {
							stale.add(seen + " after " + floor);
						}
					}
				}));
			}
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(completed.get()).isGreaterThan(100);
		assertThat(reads.get()).isGreaterThan(1000);
		assertThat(stale).as("stale reads of %d", reads.get()).isEmpty();
	}

	@Test
	void anInstanceThatDoesNotAcknowledgeIsWaitedForOnlyUntilTheLeaseRunsOut() {
		Duration lease = Duration.ofMillis(300);
		TwoLevelCache<Role> a = instance(connection.onRedis(),
				() -> connection.client().connectPubSub(StringCodec.UTF8), lease)
			.create("mute", codec(), this.roles, LONG_NEAR);
		a.get("admin");
		// A subscriber of the channel that never answers: another tool, or an instance
		// too slow to.
		try (StatefulRedisPubSubConnection<String, String> mute = connection.client().connectPubSub(StringCodec.UTF8)) {
			mute.sync().subscribe("cache:{mute:1}:invalidations");
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				a.get("admin");
				return this.observer.count("mute", "hit L1") > 0;
			});
			long start = System.nanoTime();
			assertThat(a.evict("admin")).isEqualTo(Eviction.EVERYWHERE);
			long waited = System.nanoTime() - start;
			assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(lease.minusMillis(20))
				.isLessThan(Duration.ofSeconds(5));
			assertThat(this.observer.count("mute", "unacknowledged")).isEqualTo(1);
		}
		// Without it, every receiver answers: no wait for the lease.
		assertThat(a.evict("admin")).isEqualTo(Eviction.EVERYWHERE);
		assertThat(this.observer.count("mute", "unacknowledged")).isEqualTo(1);
	}

	@Test
	void aMalformedInvalidationDropsEveryNearCopyAndLaterOnesStillArrive() {
		TwoLevelCache<Role> b = instance().create("garbled", codec(), this.roles, LONG_NEAR);
		for (String garbled : List.of("id:!!not-base64!!", "id:YQ==", "ack:no-sequence", "ack:x:1:id:%%", "id:")) {
			nearCopyOf("garbled", b, "admin");
			redis.server().command("PUBLISH", "cache:{garbled:1}:invalidations", garbled);
			// A message this version cannot read is never a reason to keep a copy.
			await(garbled).atMost(Duration.ofSeconds(2)).until(() -> nearSize(b) == 0);
		}
		nearCopyOf("garbled", b, "admin");
		this.roles.put(new Role("admin", "Changed", List.of()));
		assertThat(instance().create("garbled", codec(), this.roles, LONG_NEAR).evict("admin"))
			.isEqualTo(Eviction.EVERYWHERE);
		assertThat(b.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void anEvictionWhoseWaitIsInterruptedSaysItWasOnlyPublished() throws Exception {
		TwoLevelCache<Role> a = instance(connection.onRedis(),
				() -> connection.client().connectPubSub(StringCodec.UTF8), Duration.ofSeconds(30))
			.create("interrupted", codec(), this.roles, LONG_NEAR);
		a.get("admin");
		try (StatefulRedisPubSubConnection<String, String> mute = connection.client().connectPubSub(StringCodec.UTF8)) {
			java.util.concurrent.CountDownLatch published = new java.util.concurrent.CountDownLatch(1);
			mute.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					published.countDown();
				}

			});
			mute.sync().subscribe("cache:{interrupted:1}:invalidations");
			java.util.concurrent.atomic.AtomicReference<Eviction> result = new java.util.concurrent.atomic.AtomicReference<>();
			Thread request = new Thread(() -> result.set(a.evict("admin")));
			request.start();
			// The request is cancelled while it waits for an instance that never answers
			// (lease: 30 s).
			published.await();
			await().atMost(Duration.ofSeconds(5)).until(() -> request.getState() == Thread.State.TIMED_WAITING);
			request.interrupt();
			request.join(5000);
			assertThat(result.get()).isEqualTo(Eviction.PUBLISHED);
		}
	}

	@Test
	void aCacheThatPublishesWithoutWaitingSaysSo() {
		CacheSettings published = LONG_NEAR.withAcknowledgeEvictions(false);
		TwoLevelCache<Role> a = instance().create("async", codec(), this.roles, published);
		TwoLevelCache<Role> b = instance().create("async", codec(), this.roles, published);
		nearCopyOf("async", b, "admin");
		this.roles.put(new Role("admin", "Changed", List.of()));
		assertThat(a.evict("admin")).isEqualTo(Eviction.PUBLISHED);
		await().atMost(Duration.ofSeconds(2)).until(() -> b.get("admin").map(Role::name).orElse("").equals("Changed"));
	}

	@Test
	void aSilentlyDroppedSubscriptionStopsVouchingForNearCopiesAndIsReplaced() throws Exception {
		Duration lease = Duration.ofMillis(300);
		TcpProxy nat = new TcpProxy(redis.server().port());
		// Commands time out after 200 ms, as an app's do (the starter sets 1 s): a
		// heartbeat that times out is no answer.
		RedisURI natUri = RedisURI.create("redis://127.0.0.1:" + nat.port());
		natUri.setTimeout(Duration.ofMillis(200));
		RedisClient throughNat = RedisClient.create(natUri);
		try (nat) {
			TwoLevelCache<Role> a = instance().create("nat", codec(), this.roles, LONG_NEAR);
			TwoLevelCache<Role> b = instance(connection.onRedis(), () -> throughNat.connectPubSub(StringCodec.UTF8),
					lease)
				.create("nat", codec(), this.roles, LONG_NEAR);
			nearCopyOf("nat", b, "admin");
			// The NAT forgets B's idle pub/sub connection: no FIN, no reset, both ends
			// still think it open.
			nat.silence();
			this.roles.put(new Role("admin", "Changed", List.of()));
			assertThat(a.evict("admin")).isEqualTo(Eviction.EVERYWHERE);
			assertThat(b.get("admin")).map(Role::name).contains("Changed");
			// The dead connection is replaced (after 5 s of silence), and B keeps near
			// copies again.
			await().atMost(Duration.ofSeconds(20)).until(() -> nat.connections() >= 2);
			nearCopyOf("nat", b, "admin");
			this.roles.put(new Role("admin", "Changed again", List.of()));
			assertThat(a.evict("admin")).isEqualTo(Eviction.EVERYWHERE);
			assertThat(b.get("admin")).map(Role::name).contains("Changed again");
		}
		finally {
			closeSubscribers();
			throughNat.shutdown();
		}
	}

	@Test
	void anEvictionRedisCouldNotTakeIsPendingAndRetriedUntilItLands() {
		BackendState stateOfA = connection.onRedis();
		TwoLevelCache<Role> a = instance(stateOfA, () -> connection.client().connectPubSub(StringCodec.UTF8),
				RedisSubscriber.DEFAULT_LEASE)
			.create("lost", codec(), this.roles, LONG_NEAR);
		TwoLevelCache<Role> b = instance().create("lost", codec(), this.roles, LONG_NEAR);
		assertThat(b.get("admin")).map(Role::name).contains("Administrator");
		LettuceTestConnection.loseRedis(stateOfA, new RedisConnectionException("A cannot reach Redis (test)"));
		this.roles.put(new Role("admin", "Changed", List.of()));
		// A is told: B still reads the old role from Redis.
		assertThat(a.evict("admin")).isEqualTo(Eviction.PENDING);
		assertThat(b.get("admin")).map(Role::name).contains("Administrator");
		// Once A can reach Redis again, the eviction lands without any further call on A.
		LettuceTestConnection.returnToRedis(stateOfA);
		await().atMost(Duration.ofSeconds(5)).until(() -> b.get("admin").map(Role::name).orElse("").equals("Changed"));
		assertThat((String) redis.server().command("GET", "cache:lost:1:{admin}")).doesNotContain("Administrator");
	}

	@Test
	void aReadThatMissedItsDeadlineIsAnsweredByTheLoaderAndKeepsNothingTheOthersCannotEvict() {
		// A: a short deadline that switches nothing (its calls tell no detector), so the
		// twin answers each missed read
		// while Redis stays in use.
		RedisSubscriber subscriber = new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8),
				Secrets.none(), RedisSubscriber.DEFAULT_LEASE);
		this.subscribers.add(subscriber);
		BackendState stateOfA = connection.onRedis();
		TwoLevelCache<Role> a = new TwoLevelCacheFactory(new DefaultFailover(stateOfA), connection::async,
				RedisCalls.withFixedDeadline(Duration.ofMillis(100)), subscriber, JsonMapper.builder().build(),
				this.observer, "cache", (name) -> LONG_NEAR)
			.create("missed", codec(), this.roles, LONG_NEAR);
		TwoLevelCache<Role> b = instance().create("missed", codec(), this.roles, LONG_NEAR);
		await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.isLive("cache:{missed:1}:invalidations"));
		redis.server().pause();
		try {
			assertThat(a.get("admin")).map(Role::name).contains("Administrator");
		}
		finally {
			redis.server().resume();
		}
		assertThat(stateOfA.usesRedis()).isTrue();
		this.roles.put(new Role("admin", "Changed", List.of()));
		assertThat(b.evict("admin")).isEqualTo(Eviction.EVERYWHERE);
		redis.server().pause();
		try {
			// The eviction reached A's Redis side; a copy the twin had kept would not
			// have heard of it.
			assertThat(a.get("admin")).map(Role::name).contains("Changed");
		}
		finally {
			redis.server().resume();
		}
	}

	private static long nearSize(TwoLevelCache<Role> cache) {
		return ((FailoverTwoLevelCache<Role>) cache).nearSize();
	}

	private static JsonCacheCodec<Role> codec() {
		return new JsonCacheCodec<>(JsonMapper.builder().build(), Role.class);
	}

	@Test
	void valuesAreStoredAsJsonUnderAVersionedHashTaggedKey() {
		this.cache.get("admin");
		this.cache.get("nobody");
		String admin = (String) redis.server().command("GET", "cache:roles0:1:{admin}");
		assertThat(admin).startsWith("V")
			.endsWith(
					" {\"id\":\"admin\",\"name\":\"Administrator\",\"permissions\":[\"users:write\",\"roles:write\"]}");
		assertThat((String) redis.server().command("GET", "cache:roles0:1:{nobody}")).endsWith(" null");
		long ttl = (Long) redis.server().command("PTTL", "cache:roles0:1:{admin}");
		assertThat(ttl).isBetween(1L, 800L);
		assertThat((Long) redis.server().command("PTTL", "cache:roles0:1:{nobody}")).isBetween(1L, 400L);
	}

	@Test
	void twoInstancesShareValuesAndAnEvictionOnOneReachesTheOtherAtOnce() {
		TwoLevelCache<Role> a = instance().create("shared", codec(), this.roles, LONG_NEAR);
		TwoLevelCache<Role> b = instance().create("shared", codec(), this.roles, LONG_NEAR);
		assertThat(a.get("admin")).map(Role::name).contains("Administrator");
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			b.get("admin");
			return this.observer.count("shared", "hit L1") > 0;
		});
		assertThat(this.roles.loads).hasValue(1);

		this.roles.put(new Role("admin", "Changed", List.of()));
		a.evict("admin");
		// B's near copy (1 minute) is gone at once: the next read goes to Redis, then the
		// loader.
		await().atMost(Duration.ofSeconds(2)).until(() -> b.get("admin").map(Role::name).orElse("").equals("Changed"));
		assertThat(a.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void aValueThatNoLongerDecodesIsHealed() {
		redis.server().command("SET", "cache:roles0:1:{admin}", "V {\"identifier\":42");
		assertThat(this.cache.get("admin")).map(Role::name).contains("Administrator");
		assertThat(this.observer.count("roles0", "poisoned")).isEqualTo(1);
		assertThat((String) redis.server().command("GET", "cache:roles0:1:{admin}"))
			.contains("\"name\":\"Administrator\"");
		assertThat(this.cache.get("admin")).isPresent();
		assertThat(this.roles.loads).hasValue(1);
	}

	@Test
	void aLoadOvertakenByAnEvictionIsNotStored() throws Exception {
		this.roles.delayMillis = 300;
		Thread reader = new Thread(() -> this.cache.get("admin"));
		reader.start();
		await().until(() -> this.roles.loads.get() == 1);
		// The reader has read the old row; the row changes and is evicted before its load
		// ends.
		this.roles.put(new Role("admin", "Changed", List.of()));
		this.cache.evict("admin");
		reader.join();
		assertThat((String) redis.server().command("GET", "cache:roles0:1:{admin}")).startsWith("T");
		this.roles.delayMillis = 0;
		assertThat(this.cache.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void aValueLoadedBeforeAnEvictAllAndStoredAfterIsAMissInRedis() {
		// Entries and the cache's instant live in different slots, so no script sees
		// both:
		// the value carries the instant its miss read, and counts only while it is the
		// cache's.
		RedisCacheStore store = new RedisCacheStore("cache", "store", "1", connection::async, PATIENT,
				Duration.ofSeconds(10));
		byte[] old = "\"Administrator\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		RedisCacheStore.Read missed = store.read("admin");
		store.invalidateAll((message) -> message);
		assertThat(store.write("admin", missed, Duration.ofMinutes(1), old)).isTrue();
		assertThat(store.read("admin").hit()).as("stored after the invalidation, read before it").isFalse();
		RedisCacheStore.Read missedAfter = store.read("admin");
		assertThat(store.write("admin", missedAfter, Duration.ofMinutes(1), old)).isTrue();
		assertThat(store.read("admin").hit()).as("read and stored after the invalidation").isTrue();
	}

	@Test
	void noNearCopyIsKeptWhileTheSubscriptionIsNotLive() {
		// A subscription that cannot connect: evictions published meanwhile would never
		// reach a near copy.
		RedisSubscriber deaf = new RedisSubscriber(() -> {
			throw new IllegalStateException("no pub/sub connection in this test");
		}, Secrets.none());
		this.subscribers.add(deaf);
		TwoLevelCache<Role> cache = new TwoLevelCacheFactory(new DefaultFailover(connection.onRedis()),
				connection::async, PATIENT, deaf, JsonMapper.builder().build(), this.observer, "cache",
				(name) -> SETTINGS)
			.create("deaf", codec(), this.roles, SETTINGS);
		assertThat(cache.get("admin")).isPresent();
		assertThat(cache.get("admin")).isPresent();
		assertThat(nearSize(cache)).isZero();
		assertThat(this.roles.loads).hasValue(1);
	}

	@Test
	void aDroppedSubscriptionClearsNearCopies() {
		CacheSettings longNear = new CacheSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), 0.1,
				Duration.ofMinutes(1), 1000, Duration.ofSeconds(30), Duration.ofSeconds(2), "1", 1024 * 1024);
		TwoLevelCache<Role> cache = instance().create("near", codec(), this.roles, longNear);
		RedisSubscriber subscriber = this.subscribers.get(this.subscribers.size() - 1);
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			cache.get("admin");
			return subscriber.isLive("cache:{near:1}:invalidations") && nearSize(cache) == 1;
		});
		redis.server().command("CLIENT", "KILL", "TYPE", "pubsub");
		await().atMost(Duration.ofSeconds(5)).until(() -> nearSize(cache) == 0);
		// Once re-subscribed, near copies are kept again.
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			cache.get("admin");
			return nearSize(cache) == 1;
		});
	}

	@Test
	void evictAllSweepsAHundredThousandKeysWithScanNeverKeys() throws Exception {
		fill("roles0", 100_000);
		redis.server().command("CONFIG", "RESETSTAT");
		redis.server().command("CONFIG", "SET", "slowlog-log-slower-than", "0");
		redis.server().command("CONFIG", "SET", "slowlog-max-len", "10000");
		redis.server().command("SLOWLOG", "RESET");
		try {
			assertThat(this.cache.evictAll()).isEqualTo(Eviction.EVERYWHERE);
			// The sweep goes on in the background: correctness does not wait for it.
			await().atMost(Duration.ofSeconds(30)).until(() -> (Long) redis.server().command("DBSIZE") == 1);
		}
		finally {
			redis.server().command("CONFIG", "SET", "slowlog-log-slower-than", "10000");
		}
		Map<String, Long> calls = calls();
		assertThat(calls).doesNotContainKey("keys").doesNotContainKey("flushdb").doesNotContainKey("flushall");
		assertThat(calls.get("scan")).isGreaterThanOrEqualTo(100);
		// Every batch is small: the slowest command stayed far below what would block
		// other clients.
		assertThat(slowestMicros()).isLessThan(100_000);
	}

	@Test
	void theSweepAfterEvictAllNeitherDelaysNorFailsTheEviction() throws Exception {
		fill("unswept", 1000);
		// A user that may not SCAN: every sweep fails, as a slow or refused batch would.
		redis.server().command("ACL", "SETUSER", "nosweep", "on", ">nosweep-pw", "~*", "&*", "+@all", "-scan");
		// The builder, not setUsername/setPassword: Lettuce 7 (Spring Boot 4.1) removed
		// those.
		RedisURI uri = RedisURI.builder(RedisURI.create(redis.server().url()))
			.withAuthentication("nosweep", "nosweep-pw".toCharArray())
			.build();
		RedisClient client = RedisClient.create(uri);
		try (io.lettuce.core.api.StatefulRedisConnection<byte[], byte[]> noSweep = client
			.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
			BackendState state = connection.onRedis();
			RedisSubscriber subscriber = new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8),
					Secrets.none());
			this.subscribers.add(subscriber);
			TwoLevelCache<Role> cache = new TwoLevelCacheFactory(new DefaultFailover(state), noSweep::async, PATIENT,
					subscriber, JsonMapper.builder().build(), this.observer, "cache", (name) -> SETTINGS)
				.create("unswept", codec(), this.roles, SETTINGS);
			assertThat(cache.get("admin")).isPresent();
			this.roles.put(new Role("admin", "Changed", List.of()));
			// The invalidation landed: the sweep's failure, later and elsewhere, changes
			// nothing about that.
			assertThat(cache.evictAll()).isEqualTo(Eviction.EVERYWHERE);
			assertThat(cache.get("admin")).map(Role::name).contains("Changed");
			assertThat(state.usesRedis()).isTrue();
		}
		finally {
			client.shutdown();
			redis.server().command("ACL", "DELUSER", "nosweep");
		}
	}

	/** {@code count} entries of cache {@code name}, written in one go. */
	private static void fill(String name, int count) throws Exception {
		StringBuilder protocol = new StringBuilder();
		for (int i = 0; i < count; i++) {
			String key = "cache:" + name + ":1:{role-" + i + "}";
			protocol.append("*3\r\n$3\r\nSET\r\n$")
				.append(key.length())
				.append("\r\n")
				.append(key)
				.append("\r\n$4\r\nV1 x\r\n");
		}
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redis.server().port())) {
			socket.getOutputStream().write(protocol.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			await().atMost(Duration.ofSeconds(30)).until(() -> (Long) redis.server().command("DBSIZE") >= count);
		}
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

	/**
	 * The longest single command in the slow log (its threshold set to 0: every command
	 * is logged).
	 */
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
		public void onUnacknowledged(String cache) {
			add(cache, "unacknowledged");
		}

		@Override
		public void onPoisoned(String cache) {
			add(cache, "poisoned");
		}

	}

}
