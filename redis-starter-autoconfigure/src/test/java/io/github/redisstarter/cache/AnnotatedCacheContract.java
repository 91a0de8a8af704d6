package io.github.redisstarter.cache;

import java.util.List;
import java.util.Optional;

import io.github.redisstarter.cache.Roles.Role;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The cache contract through Spring's cache annotations on a {@link TwoLevelCacheManager}
 * cache, and what Spring's {@code Cache} adds: puts, {@code null} results, keys of any
 * type.
 */
abstract class AnnotatedCacheContract extends TwoLevelCacheContract {

	/**
	 * A manager whose caches have {@code settings}, on an empty store: each under a key
	 * prefix of its own, since every cache is "roles" as the annotations name it.
	 */
	protected abstract TwoLevelCacheManager manager(CacheSettings settings, boolean allowNullValues);

	/** Whether reads use {@code @Cacheable(sync = true)}. */
	protected abstract boolean sync();

	@Override
	protected TwoLevelCache<Role> create(CacheLoader<Role> loader, CacheSettings settings) {
		return new AnnotatedRoleCache(cache(settings, true), loader, sync());
	}

	private Cache cache(CacheSettings settings, boolean allowNullValues) {
		return ready(manager(settings, allowNullValues).getCache("roles"));
	}

	/** The cache once it may be used as in a running app. */
	protected Cache ready(Cache cache) {
		return cache;
	}

	/** Spring's contract: a method's null result is an answer, cached as "none". */
	@Override
	void aLoaderReturningNullIsAnErrorThatNamesTheFix() {
	}

	@Test
	void aNullResultIsRefusedWhenNullValuesAreNotAllowed() {
		TwoLevelCache<Role> cache = new AnnotatedRoleCache(cache(SETTINGS, false), this.roles, sync());
		for (int i = 1; i <= 2; i++) {
			assertThatIllegalArgumentException().isThrownBy(() -> cache.get("nobody"))
				.withMessageContaining("is configured to not allow null values");
			assertThat(this.roles.loads).hasValue(i);
		}
		assertThat(cache.get("admin")).isPresent();
	}

	/** Keys are Spring's: any object with a toString() of its own. */
	@Override
	void blankIdsAreRejected() {
	}

	@Test
	void keysThatCannotBeIdsAreRejectedNamingTheFix() {
		Cache cache = cache(SETTINGS, true);
		assertThatIllegalArgumentException().isThrownBy(() -> cache.get(" "))
			.withMessageContaining("cannot use a blank key ' '")
			.withMessageContaining("condition");
		assertThatIllegalArgumentException().isThrownBy(() -> cache.put(new Object(), "x"))
			.withMessageContaining("cannot use a key of type java.lang.Object")
			.withMessageContaining("toString()");
		record Key(String tenant, int id) {
		}
		cache.put(new Key("a", 1), new Role("r", "keyed by a record", List.of()));
		assertThat(cache.get(new Key("a", 1), Role.class)).extracting(Role::name).isEqualTo("keyed by a record");
		assertThat(cache.get(new Key("a", 2))).isNull();
	}

	@Test
	void aPutReplacesTheValueAndAnEvictionRemovesIt() {
		Cache spring = cache(SETTINGS, true);
		TwoLevelCache<Role> cache = new AnnotatedRoleCache(spring, this.roles, sync());
		assertThat(cache.get("admin")).map(Role::name).contains("Administrator");
		spring.put("admin", new Role("admin", "Put", List.of()));
		assertThat(cache.get("admin")).map(Role::name).contains("Put");
		spring.put("admin", null);
		assertThat(spring.get("admin")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(cache.get("admin")).isEmpty();
		spring.evict("admin");
		assertThat(spring.get("admin")).isNull();
		assertThat(cache.get("admin")).map(Role::name).contains("Administrator");
		assertThat(this.roles.loads).hasValue(2);
	}

	@Test
	void aNestedReadOfTheKeyBeingComputedDoesNotWaitForItself() {
		Cache spring = cache(SETTINGS, true);
		Role admin = this.roles.table.get("admin");
		long start = System.nanoTime();
		assertThat(spring.get("admin", () -> spring.get("admin", () -> admin))).isEqualTo(admin);
		assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
			.isLessThan(SETTINGS.loadTimeout().dividedBy(2));
	}

	@Test
	void aPutThatCannotBeKeptStillEvictsTheOldValue() {
		Cache spring = cache(SETTINGS, true);
		TwoLevelCache<Role> cache = new AnnotatedRoleCache(spring, this.roles, sync());
		assertThat(cache.get("admin")).map(Role::name).contains("Administrator");
		List<String> many = java.util.stream.IntStream.range(0, 5000).mapToObj((i) -> "permission:" + i).toList();
		this.roles.put(new Role("admin", "Changed", List.of()));
		assertThatExceptionOfType(io.github.redisstarter.connection.PayloadTooLargeException.class)
			.isThrownBy(() -> spring.put("admin", new Role("admin", "Too large", many)));
		assertThat(cache.get("admin")).map(Role::name).contains("Changed");
	}

	@Test
	void simpleKeysOfStringsThatPrintAlikeDoNotMeet() {
		Cache spring = cache(SETTINGS, true);
		spring.put(new SimpleKey("a, b", "c"), "first");
		assertThat(spring.get(new SimpleKey("a", "b, c"))).isNull();
		assertThat(spring.get(new SimpleKey("a, b", "c"), String.class)).isEqualTo("first");
	}

	@Test
	void aLookUpOutsideAnAnnotatedMethodClaimsNothing() {
		Cache spring = cache(SETTINGS, true);
		TwoLevelCache<Role> cache = new AnnotatedRoleCache(spring, this.roles, sync());
		// Outside a cached method's call a miss holds no claim that another caller of
		// the key would wait for.
		assertThat(spring.get("admin")).isNull();
		long start = System.nanoTime();
		assertThat(cache.get("admin")).isPresent();
		assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
			.isLessThan(SETTINGS.loadTimeout().dividedBy(2));
		assertThat(spring.get("admin", Role.class)).isEqualTo(this.roles.table.get("admin"));
		assertThat(Optional.ofNullable(spring.get("admin", Role.class))).isPresent();
	}

}
