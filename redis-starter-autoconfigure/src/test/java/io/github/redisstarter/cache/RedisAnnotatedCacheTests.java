package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.codec.StringCodec;
import io.github.redisstarter.cache.Roles.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The annotated cache contract on Redis, with Spring's default look-up, call and put.
 */
class RedisAnnotatedCacheTests extends AnnotatedCacheContract {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	private final List<RedisSubscriber> subscribers = new ArrayList<>();

	/** The key prefix of the last manager made. */
	private String prefix;

	private int managers;

	@AfterEach
	void closeSubscribers() {
		this.subscribers.forEach(RedisSubscriber::close);
	}

	/**
	 * One app instance's manager, whose caches are used once their invalidation
	 * subscription is live, as in a running app.
	 */
	@Override
	protected TwoLevelCacheManager manager(CacheSettings settings, boolean allowNullValues) {
		RedisSubscriber subscriber = new RedisSubscriber(() -> connection.client().connectPubSub(StringCodec.UTF8),
				Secrets.none(), RedisSubscriber.DEFAULT_LEASE);
		this.subscribers.add(subscriber);
		this.prefix = "cache" + (this.managers++);
		TwoLevelCacheFactory factory = new TwoLevelCacheFactory(new DefaultFailover(connection.onRedis()),
				connection::async, RedisCalls.withFixedDeadline(Duration.ofSeconds(2)), subscriber,
				JsonMapper.builder().build(), CacheObserver.NONE, this.prefix, (name) -> settings);
		return new TwoLevelCacheManager(factory, List.of("io.github.redisstarter.cache"), allowNullValues, List.of());
	}

	@Override
	protected Cache ready(Cache cache) {
		RedisSubscriber subscriber = this.subscribers.get(this.subscribers.size() - 1);
		String channel = this.prefix + ":{" + cache.getName() + ":1}:invalidations";
		await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.isLive(channel));
		return cache;
	}

	@Test
	void anEntryOfAnUntrustedOrUnexpectedTypeIsDeletedAndComputedAgain() {
		TwoLevelCache<Role> cache = create(this.roles, SETTINGS);
		redis.server()
			.command("SET", this.prefix + ":" + cache.name() + ":1:{admin}", "V java.lang.ProcessBuilder\n{}");
		assertThat(cache.get("admin")).map(Role::name).contains("Administrator");
		assertThat((String) redis.server().command("GET", this.prefix + ":" + cache.name() + ":1:{admin}"))
			.contains(Role.class.getName());
		// A trusted type that is not what the method returns: not an answer for it
		// either.
		redis.server().command("SET", this.prefix + ":" + cache.name() + ":1:{viewer}", "V java.lang.String\n\"x\"");
		assertThat(cache.get("viewer")).map(Role::name).contains("Viewer");
		assertThat(this.roles.loads).hasValue(2);
	}

	@Override
	protected boolean sync() {
		return false;
	}

}
