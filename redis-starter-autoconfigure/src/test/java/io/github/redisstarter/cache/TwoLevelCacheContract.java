package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.redisstarter.cache.Roles.Role;
import io.github.redisstarter.connection.PayloadTooLargeException;
import io.github.redisstarter.test.Concurrently;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link TwoLevelCache} promises, run against the Redis-backed cache and the
 * in-memory one alike.
 */
abstract class TwoLevelCacheContract {

	/** Short lifetimes so that expiry can be watched; no jitter so that it is exact. */
	static final CacheSettings SETTINGS = new CacheSettings(Duration.ofMillis(800), Duration.ofMillis(400), 0,
			Duration.ofMillis(300), 1000, Duration.ofMillis(300), Duration.ofSeconds(1), "1", 64 * 1024);

	protected final Roles roles = new Roles();

	protected TwoLevelCache<Role> cache;

	/** A cache named "roles" over {@code loader}, on an empty store. */
	protected abstract TwoLevelCache<Role> create(CacheLoader<Role> loader, CacheSettings settings);

	@BeforeEach
	void createCache() {
		this.cache = create(this.roles, SETTINGS);
	}

	@Test
	void aValueIsLoadedOnceThenServedFromCache() {
		Role admin = this.roles.table.get("admin");
		for (int i = 0; i < 5; i++) {
			assertThat(this.cache.get("admin")).contains(admin);
		}
		assertThat(this.roles.loads).hasValue(1);
	}

	@Test
	void aValueAboveTheSizeLimitIsRefusedAndNothingIsCached() {
		// SETTINGS allows 64 KiB; 5000 permissions of about 16 bytes each encode to about
		// 80 KiB.
		List<String> many = java.util.stream.IntStream.range(0, 5000).mapToObj((i) -> "permission:" + i).toList();
		this.roles.put(new Role("huge", "Huge", many));
		for (int i = 1; i <= 2; i++) {
			assertThatExceptionOfType(PayloadTooLargeException.class).isThrownBy(() -> this.cache.get("huge"))
				.withMessageMatching(
						"the value of cache 'roles\\d*' for id 'huge' is \\d+ bytes, above the limit of 65536 bytes .*")
				.withMessageContaining("redis-starter.cache.max-value-size");
			assertThat(this.roles.loads).hasValue(i);
		}
		this.roles.put(new Role("huge", "Huge no more", many.subList(0, 10)));
		assertThat(this.cache.get("huge")).map(Role::name).contains("Huge no more");
		assertThat(this.cache.get("huge")).map(Role::name).contains("Huge no more");
		assertThat(this.roles.loads).hasValue(3);
	}

	@Test
	void aMissIsCachedForTheNegativeTtl() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.cache.get("nobody")).isEmpty();
		}
		assertThat(this.roles.loads).hasValue(1);
		this.roles.put(new Role("nobody", "Now somebody", List.of()));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.get("nobody").isPresent());
		assertThat(this.roles.loads).hasValueBetween(2, 40);
	}

	@Test
	void valuesExpireAfterTheTtl() throws InterruptedException {
		this.cache.get("admin");
		this.roles.put(new Role("admin", "Renamed without eviction", List.of()));
		assertThat(this.cache.get("admin")).map(Role::name).contains("Administrator");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.cache.get("admin").map(Role::name).orElse("").equals("Renamed without eviction"));
	}

	@Test
	void anEvictionMakesTheNextReadLoad() {
		this.cache.get("admin");
		this.roles.put(new Role("admin", "Changed", List.of("all")));
		this.cache.evict("admin");
		assertThat(this.cache.get("admin")).map(Role::name).contains("Changed");
		assertThat(this.roles.loads).hasValue(2);
	}

	@Test
	void evictAllForgetsEverything() {
		this.cache.get("admin");
		this.cache.get("viewer");
		this.cache.get("nobody");
		this.roles.put(new Role("viewer", "Changed", List.of()));
		this.roles.put(new Role("nobody", "New", List.of()));
		this.cache.evictAll();
		assertThat(this.cache.get("viewer")).map(Role::name).contains("Changed");
		assertThat(this.cache.get("nobody")).map(Role::name).contains("New");
		assertThat(this.cache.get("admin")).isPresent();
		assertThat(this.roles.loads).hasValue(6);
	}

	@Test
	void concurrentReadersOfAColdIdCauseOneLoad() throws Exception {
		this.roles.delayMillis = 200;
		int found = Concurrently.countSuccesses(16, 1, (thread) -> this.cache.get("admin").isPresent());
		assertThat(found).isEqualTo(16);
		assertThat(this.roles.loads).hasValue(1);
	}

	@Test
	void aReaderDoesNotWaitForeverForAStuckLoad() throws Exception {
		CacheSettings shortWait = new CacheSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), 0,
				Duration.ofSeconds(5), 1000, Duration.ofSeconds(5), Duration.ofMillis(200), "1", 1024 * 1024);
		TwoLevelCache<Role> cache = create(this.roles, shortWait);
		this.roles.delayMillis = 1500;
		Thread stuck = new Thread(() -> cache.get("admin"));
		stuck.start();
		await().until(() -> this.roles.loads.get() == 1);
		long start = System.nanoTime();
		assertThat(cache.get("admin")).isPresent();
		// It loaded itself after the 200 ms wait rather than waiting 1.5 s for the stuck
		// load.
		assertThat(this.roles.loads).hasValue(2);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500 + 200 + 1000));
		stuck.join();
	}

	@Test
	void aLoaderFailureReachesTheCallerAndIsNotCached() {
		this.roles.failure = new IllegalStateException("database down");
		assertThatIllegalStateException().isThrownBy(() -> this.cache.get("admin")).withMessage("database down");
		this.roles.failure = null;
		assertThat(this.cache.get("admin")).isPresent();
		assertThat(this.roles.loads).hasValue(2);
	}

	@Test
	void aLoaderReturningNullIsAnErrorThatNamesTheFix() {
		TwoLevelCache<Role> cache = create((id) -> null, SETTINGS);
		assertThatIllegalStateException().isThrownBy(() -> cache.get("admin"))
			.withMessageContaining("returned null")
			.withMessageContaining("Optional.empty()");
	}

	@Test
	void blankIdsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.get(" ")).withMessageContaining("'id'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.get(null)).withMessageContaining("'id'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.evict("")).withMessageContaining("'id'");
		assertThat(this.roles.loads).hasValue(0);
	}

	@Test
	void idsAreCallerDataAndNeverMeet() {
		String tenKb = "r".repeat(10 * 1024);
		List<String> ids = List.of("\uD800", "?", tenKb, tenKb + "x", "a b", "a\nb", "日本語", "{x}", "#valid-after", "*",
				"id:YQ==");
		for (String id : ids) {
			this.roles.put(new Role(id, "role " + id.hashCode(), List.of()));
		}
		for (String id : ids) {
			assertThat(this.cache.get(id)).map(Role::name).as(id).contains("role " + id.hashCode());
		}
		this.cache.evict("?");
		this.roles.put(new Role("\uD800", "changed", List.of()));
		assertThat(this.cache.get("\uD800")).map(Role::name).contains("role " + "\uD800".hashCode());
	}

	@Test
	void readersSeeAnUpdateOnceItIsEvicted() throws Exception {
		int reads = Concurrently.countSuccesses(8, 200, (thread) -> {
			if (thread == 0) {
				this.roles.put(new Role("admin", "v" + System.nanoTime(), List.of()));
				this.cache.evict("admin");
				return true;
			}
			return this.cache.get("admin").isPresent();
		});
		assertThat(reads).isEqualTo(8 * 200);
		String current = this.roles.table.get("admin").name();
		assertThat(this.cache.get("admin")).map(Role::name).contains(current);
	}

	@Test
	void aCallerThatStoppedWaitingAndLoadedItselfKeepsNothingThatAnEvictionOvertook() throws Exception {
		java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
		java.util.concurrent.CountDownLatch straggling = new java.util.concurrent.CountDownLatch(1);
		// Each of the first two loads reads the row, then takes 600 ms: longer than a
		// caller waits for another's load.
		CacheLoader<Role> slow = (id) -> {
			Role row = this.roles.table.get(id);
			if (calls.incrementAndGet() <= 2) {
				if (calls.get() == 2) {
					straggling.countDown();
				}
				sleep(600);
			}
			return Optional.ofNullable(row);
		};
		TwoLevelCache<Role> cache = create(slow, new CacheSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), 0,
				Duration.ofMinutes(1), 1000, Duration.ofMinutes(1), Duration.ofMillis(200), "1", 64 * 1024));
		Thread leader = new Thread(() -> cache.get("admin"));
		leader.start();
		await().until(() -> calls.get() == 1);
		Thread straggler = new Thread(() -> cache.get("admin"));
		straggler.start();
		straggling.await();
		// Both loads have read the old row; the row changes and is evicted before either
		// ends.
		this.roles.put(new Role("admin", "Changed", List.of()));
		cache.evict("admin");
		leader.join();
		straggler.join();
		assertThat(cache.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void aCallerThatComesAfterAnEvictionDoesNotTakeWhatALoadBeforeItFound() throws Exception {
		for (boolean all : new boolean[] { false, true }) {
			java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
			// The first load reads the row, then takes 600 ms; callers wait for it up to
			// a minute.
			CacheLoader<Role> slowFirst = (id) -> {
				Role row = this.roles.table.get(id);
				if (calls.incrementAndGet() == 1) {
					sleep(600);
				}
				return Optional.ofNullable(row);
			};
			TwoLevelCache<Role> cache = create(slowFirst,
					new CacheSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), 0, Duration.ofMinutes(1), 1000,
							Duration.ofMinutes(1), Duration.ofMinutes(1), "1", 64 * 1024));
			Thread early = new Thread(() -> cache.get("admin"));
			early.start();
			await().until(() -> calls.get() == 1);
			String version = all ? "Changed for all" : "Changed";
			this.roles.put(new Role("admin", version, List.of()));
			if (all) {
				cache.evictAll();
			}
			else {
				cache.evict("admin");
			}
			// Started after the eviction returned: it must not wait for, and take, the
			// load that read the old row.
			assertThat(cache.get("admin")).map(Role::name).as(all ? "after evictAll" : "after evict").contains(version);
			early.join();
		}
	}

	@Test
	void noEvictionIsLostToALoadThatEndsAtTheSameMoment() throws Exception {
		// Loads and evictions race at every instant: after each round, the cache must
		// serve the row as it is.
		for (int round = 0; round < 300; round++) {
			String version = "v" + round;
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			Thread reader = new Thread(() -> {
				awaitLatch(start);
				this.cache.get("admin");
			});
			reader.start();
			Role before = this.roles.table.get("admin");
			start.countDown();
			Thread.onSpinWait();
			this.roles.put(new Role("admin", version, before.permissions()));
			if (round % 2 == 0) {
				this.cache.evict("admin");
			}
			else {
				this.cache.evictAll();
			}
			reader.join();
			assertThat(this.cache.get("admin")).map(Role::name).as("round %d", round).contains(version);
		}
	}

	private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Sleeps, keeping an interrupt for the caller to see. */
	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
