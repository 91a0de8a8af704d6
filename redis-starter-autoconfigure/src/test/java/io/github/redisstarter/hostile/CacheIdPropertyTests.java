package io.github.redisstarter.hostile;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.cache.CacheObserver;
import io.github.redisstarter.cache.CacheSettings;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;

/**
 * Cache ids come from requests too: whatever they hold, each id gets its own value, an
 * eviction removes only its id, two caches never share an entry, and the only error is
 * the documented one for a blank id. Against Redis and the in-memory twin.
 */
class CacheIdPropertyTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	private final List<RedisSubscriber> subscribers = new ArrayList<>();

	private final AtomicInteger caches = new AtomicInteger();

	@AfterEach
	void closeSubscribers() {
		this.subscribers.forEach(RedisSubscriber::close);
	}

	@Test
	void eachIdHasItsOwnEntryInItsOwnCache() {
		TwoLevelCacheFactory onRedis = onRedis();
		TwoLevelCacheFactory inMemory = inMemory();
		qt().withExamples(100).forAll(HostileText.distinctPairs()).checkAssert((pair) -> {
			String first = pair.first();
			String second = pair.second();
			// Fresh cache names per example: nothing carries over from an earlier one.
			int n = this.caches.incrementAndGet();
			for (TwoLevelCacheFactory factory : List.of(onRedis, inMemory)) {
				Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
				TwoLevelCache<String> a = factory.create("a" + n, String.class,
						(id) -> Optional.of(load(loads, "a", id)));
				TwoLevelCache<String> b = factory.create("b" + n, String.class,
						(id) -> Optional.of(load(loads, "b", id)));
				if (first.isBlank() || second.isBlank()) {
					String blank = first.isBlank() ? first : second;
					assertThatIllegalArgumentException().isThrownBy(() -> a.get(blank))
						.withMessageContaining("'id' must not be blank");
					continue;
				}
				assertThat(a.get(first)).contains("a:1:" + first);
				assertThat(a.get(second)).contains("a:1:" + second);
				assertThat(b.get(first)).contains("b:1:" + first);
				a.evict(first);
				assertThat(a.get(second)).as("another id survives the eviction").contains("a:1:" + second);
				assertThat(b.get(first)).as("another cache survives the eviction").contains("b:1:" + first);
				assertThat(a.get(first)).as("the evicted id is loaded again").contains("a:2:" + first);
			}
		});
	}

	/**
	 * "cache:count:id": the count of loads of that id in that cache, so that a value
	 * shows how often it loaded.
	 */
	private static String load(Map<String, AtomicInteger> loads, String cache, String id) {
		return cache + ":" + loads.computeIfAbsent(cache + "\u0000" + id, (k) -> new AtomicInteger()).incrementAndGet()
				+ ":" + id;
	}

	private TwoLevelCacheFactory onRedis() {
		RedisSubscriber subscriber = new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8),
				Secrets.none());
		this.subscribers.add(subscriber);
		return new TwoLevelCacheFactory(new DefaultFailover(connection.onRedis()), connection::async,
				RedisCalls.withFixedDeadline(Duration.ofSeconds(5)), subscriber, JsonMapper.builder().build(),
				CacheObserver.NONE, "cache", (name) -> CacheSettings.defaults());
	}

	private static TwoLevelCacheFactory inMemory() {
		BackendState state = new DefaultBackendState(BackendSelection.AUTO, null, BackendMode.MEMORY,
				"no Redis configured", Secrets.none(), Clock.systemUTC(), Runnable::run);
		return new TwoLevelCacheFactory(new DefaultFailover(state), null, new RedisCalls(state), null,
				JsonMapper.builder().build(), CacheObserver.NONE, "cache", (name) -> CacheSettings.defaults());
	}

}
