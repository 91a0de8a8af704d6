package io.github.redisstarter.cache;

import java.time.Clock;

import io.github.redisstarter.cache.Roles.Role;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Secrets;
import tools.jackson.databind.json.JsonMapper;

/** The contract on the in-memory cache: no Redis configured, the near cache is the whole cache. */
class InMemoryTwoLevelCacheTests extends TwoLevelCacheContract {

	private final BackendState state = new BackendState(BackendSelection.AUTO, null, BackendMode.MEMORY,
			"no Redis configured", Secrets.none(), Clock.systemUTC(), Runnable::run);

	private final TwoLevelCacheFactory factory = new TwoLevelCacheFactory(this.state, null, null,
			JsonMapper.builder().build(), CacheObserver.NONE, "cache", java.time.Duration.ofSeconds(1), (name) -> SETTINGS);

	private int created;

	@Override
	protected TwoLevelCache<Role> create(CacheLoader<Role> loader, CacheSettings settings) {
		return this.factory.create("roles" + (this.created++), new JsonCacheCodec<>(JsonMapper.builder().build(), Role.class),
				loader, settings);
	}

}
