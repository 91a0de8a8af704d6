package io.github.redisstarter.session;

import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * App instances that share a harness Redis, each with its own connection factory and
 * backend state (on Redis at first); closed after each test.
 */
final class AppInstances implements AfterEachCallback {

	private final RedisServerExtension redis;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	AppInstances(RedisServerExtension redis) {
		this.redis = redis;
	}

	/** One instance's sessions, and the backend state they follow. */
	record Instance(FailoverSessionRepository sessions, DefaultBackendState state) {

		void loseRedis() {
			LettuceTestConnection.loseRedis(this.state,
					new org.springframework.data.redis.RedisConnectionFailureException("test: Redis is away"));
		}

		void returnToRedis() {
			LettuceTestConnection.returnToRedis(this.state);
		}

	}

	Instance start(SessionSettings settings) {
		DefaultBackendState state = new LettuceTestConnection(this.redis).onRedis();
		FailoverSessionRepository sessions = SessionRepositories.onRedis(factory(), new DefaultFailover(state),
				settings, null, null);
		return new Instance(sessions, state);
	}

	LettuceConnectionFactory factory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.redis.server().host(), this.redis.server().port()));
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
	}

}
