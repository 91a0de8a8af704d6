package io.github.redisstarter.session;

import io.github.redisstarter.connection.Failover;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * Makes session repositories outside Spring (the auto-configuration makes the app's).
 */
public final class SessionRepositories {

	private SessionRepositories() {
	}

	/** Sessions in this instance's memory only: what an app without Redis gets. */
	public static FailoverSessionRepository inMemory(Failover failover, SessionSettings settings) {
		return new FailoverSessionRepository(null, null, failover, settings);
	}

	/**
	 * Sessions in Redis while the backend uses it, in this instance's memory while Redis
	 * is away. It registers with the backend state to delete, when Redis returns, the
	 * sessions deleted meanwhile.
	 * @param serializer how attribute values are stored: Spring Session's default (Java
	 * serialization) when {@code null}
	 * @param classLoader the class loader that Java serialization reads attribute values
	 * with
	 */
	public static FailoverSessionRepository onRedis(RedisConnectionFactory connectionFactory, Failover failover,
			SessionSettings settings, @Nullable RedisSerializer<Object> serializer, @Nullable ClassLoader classLoader) {
		RedisTemplate<String, Object> template = new RedisTemplate<>();
		template.setConnectionFactory(connectionFactory);
		template.setKeySerializer(RedisSerializer.string());
		template.setHashKeySerializer(RedisSerializer.string());
		RedisSerializer<Object> values = (serializer != null) ? serializer
				: new JdkSerializationRedisSerializer(classLoader);
		template.setValueSerializer(values);
		template.setHashValueSerializer(values);
		template.setBeanClassLoader((classLoader != null) ? classLoader : SessionRepositories.class.getClassLoader());
		template.afterPropertiesSet();
		RedisSessionRepository redis = new RedisSessionRepository(template);
		redis.setDefaultMaxInactiveInterval(settings.maxInactiveInterval());
		redis.setRedisKeyNamespace(settings.keyPrefix());
		FailoverSessionRepository.KeptIds ids = new FailoverSessionRepository.KeptIds();
		redis.setSessionIdGenerator(ids);
		FailoverSessionRepository repository = new FailoverSessionRepository(redis, ids, failover, settings);
		failover.state().addListener(repository);
		return repository;
	}

}
