package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.session.FailoverSessionRepository;
import io.github.redisstarter.session.SessionRepositories;
import io.github.redisstarter.session.SessionSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * The HTTP sessions of a servlet app with Spring Session Data Redis on its classpath: the
 * starter's {@link FailoverSessionRepository}, on Redis only when the starter's backend
 * decision says Redis is configured, and Spring Session's filter in front of it. It runs
 * before Boot's session auto-configurations, which back off from its
 * {@link SessionRepository} (Boot's own would use a Redis at localhost:6379 that nobody
 * configured).
 */
@AutoConfiguration(after = RedisStarterAutoConfiguration.class,
		beforeName = { "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration",
				"org.springframework.boot.session.autoconfigure.SessionAutoConfiguration" })
@ConditionalOnClass({ RedisSessionRepository.class, SessionRepositoryFilter.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Failover.class)
@ConditionalOnProperty(prefix = "redis-starter.sessions", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SessionsProperties.class)
public final class SessionsAutoConfiguration {

	private static final String SESSION_SETTINGS = "a key-prefix of 1 to 64 letters, digits, '.', '_', '-' or ':',"
			+ " and a positive memory-max-sessions";

	/** The bean by which Spring Session lets an app choose how attributes are stored. */
	static final String SERIALIZER_BEAN = "springSessionDefaultRedisSerializer";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SessionRepository.class)
	@Import(SpringHttpSessionConfiguration.class)
	static class StarterSessions {

		@Bean
		FailoverSessionRepository redisStarterSessionRepository(Failover failover, SessionsProperties properties,
				Environment environment, ObjectProvider<RedisConnectionFactory> connectionFactory,
				@Qualifier(SERIALIZER_BEAN) ObjectProvider<RedisSerializer<Object>> serializer) {
			SessionSettings settings = SettingRules.apply(environment, "redis-starter.sessions", SESSION_SETTINGS,
					() -> new SessionSettings(timeout(environment), properties.getKeyPrefix(),
							properties.getMemoryMaxSessions()));
			RedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (failover.state().endpoint() == null || factory == null) {
				return SessionRepositories.inMemory(failover, settings);
			}
			return SessionRepositories.onRedis(factory, failover, settings, serializer.getIfAvailable(),
					SessionsAutoConfiguration.class.getClassLoader());
		}

	}

	/**
	 * How long a session lives without a request: Boot's {@code spring.session.timeout},
	 * else {@code server.servlet.session.timeout}, else 30 minutes (seconds when no unit
	 * is given, as Boot reads them).
	 */
	static Duration timeout(Environment environment) {
		for (String property : new String[] { "spring.session.timeout", "server.servlet.session.timeout" }) {
			String value = environment.getProperty(property);
			if (value != null && !value.isBlank()) {
				return DurationStyle.detectAndParse(value.trim(), ChronoUnit.SECONDS);
			}
		}
		return SessionSettings.DEFAULT_MAX_INACTIVE_INTERVAL;
	}

}
