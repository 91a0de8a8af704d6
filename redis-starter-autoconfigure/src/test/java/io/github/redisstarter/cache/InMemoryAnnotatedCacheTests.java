package io.github.redisstarter.cache;

import java.time.Clock;
import java.util.List;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.Secrets;
import tools.jackson.databind.json.JsonMapper;

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

	@Override
	protected boolean sync() {
		return false;
	}

}
