package io.github.redisstarter.cache;

import java.time.Clock;

import io.github.redisstarter.cache.Roles.Role;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.Secrets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;

/**
 * The contract on the in-memory cache: no Redis configured, the near cache is the whole
 * cache.
 */
class InMemoryTwoLevelCacheTests extends TwoLevelCacheContract {

	private final BackendState state = new DefaultBackendState(BackendSelection.AUTO, null, BackendMode.MEMORY,
			"no Redis configured", Secrets.none(), Clock.systemUTC(), Runnable::run);

	private final TwoLevelCacheFactory factory = new TwoLevelCacheFactory(new DefaultFailover(this.state), null,
			new RedisCalls(this.state), null, JsonMapper.builder().build(), CacheObserver.NONE, "cache",
			(name) -> SETTINGS);

	private int created;

	@Test
	void withNoRedisConfiguredValuesKeepTheFullTtl() throws InterruptedException {
		this.cache.get("admin");
		this.roles.put(new Role("admin", "Changed without eviction", java.util.List.of()));
		// Past the degraded TTL (300 ms), within the TTL (800 ms): a single instance has
		// no one to miss evictions from.
		Thread.sleep(500);
		assertThat(this.cache.get("admin")).map(Role::name).contains("Administrator");
	}

	@Test
	void whileAConfiguredRedisIsAwayValuesLiveOnlyTheDegradedTtl() throws InterruptedException {
		BackendState outage = new DefaultBackendState(BackendSelection.AUTO,
				new io.github.redisstarter.connection.RedisEndpoint("127.0.0.1:1", false, null, 0), BackendMode.MEMORY,
				"connection refused", Secrets.none(), Clock.systemUTC(), Runnable::run);
		TwoLevelCache<Role> cache = new TwoLevelCacheFactory(new DefaultFailover(outage), null, new RedisCalls(outage),
				null, JsonMapper.builder().build(), CacheObserver.NONE, "cache", (name) -> SETTINGS)
			.create("roles", Role.class, this.roles);
		cache.get("admin");
		this.roles.put(new Role("admin", "Changed elsewhere", java.util.List.of()));
		Thread.sleep(500);
		assertThat(cache.get("admin")).map(Role::name).contains("Changed elsewhere");
	}

	@Override
	protected TwoLevelCache<Role> create(CacheLoader<Role> loader, CacheSettings settings) {
		return this.factory.create("roles" + (this.created++),
				new JsonCacheCodec<>(JsonMapper.builder().build(), Role.class), loader, settings);
	}

}
