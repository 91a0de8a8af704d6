package io.github.redisstarter.cache;

import java.time.Clock;
import java.util.List;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.cache.Roles.Role;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.Secrets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The annotated cache contract on the twin (no Redis configured), with Spring's default
 * look-up, call and put.
 */
class InMemoryAnnotatedCacheTests extends AnnotatedCacheContract {

	private final BackendState state = new DefaultBackendState(BackendSelection.AUTO, null, BackendMode.MEMORY,
			"no Redis configured", Secrets.none(), Clock.systemUTC(), Runnable::run);

	@Override
	protected TwoLevelCacheManager manager(CacheSettings settings, boolean allowNullValues) {
		TwoLevelCacheFactory factory = new TwoLevelCacheFactory(new DefaultFailover(this.state), null,
				new RedisCalls(this.state), null, JsonMapper.builder().build(), CacheObserver.NONE, "cache",
				(name) -> settings);
		return new TwoLevelCacheManager(factory, List.of("io.github.redisstarter.cache"), allowNullValues, List.of());
	}

	@Test
	void whileAConfiguredRedisIsAwayAPutOrAComputedValueLivesOnlyTheDegradedTtl() throws InterruptedException {
		BackendState outage = new DefaultBackendState(BackendSelection.AUTO,
				new RedisEndpoint("127.0.0.1:1", false, null, 0), BackendMode.MEMORY, "connection refused",
				Secrets.none(), Clock.systemUTC(), Runnable::run);
		TwoLevelCacheFactory factory = new TwoLevelCacheFactory(new DefaultFailover(outage), null,
				new RedisCalls(outage), null, JsonMapper.builder().build(), CacheObserver.NONE, "cache",
				(name) -> SETTINGS);
		Cache spring = new TwoLevelCacheManager(factory, List.of("io.github.redisstarter.cache"), true, List.of())
			.getCache("roles");
		TwoLevelCache<Role> cache = new AnnotatedRoleCache(spring, this.roles, sync());
		cache.get("admin");
		spring.put("viewer", new Role("viewer", "Put", List.of()));
		this.roles.put(new Role("admin", "Changed elsewhere", List.of()));
		// Past the degraded TTL (300 ms), within the TTL (800 ms).
		Thread.sleep(500);
		assertThat(cache.get("admin")).map(Role::name).contains("Changed elsewhere");
		assertThat(cache.get("viewer")).map(Role::name).contains("Viewer");
	}

	@Override
	protected boolean sync() {
		return false;
	}

}
