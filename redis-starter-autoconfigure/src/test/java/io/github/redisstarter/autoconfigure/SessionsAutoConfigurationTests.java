package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.session.FailoverSession;
import io.github.redisstarter.session.FailoverSessionRepository;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every condition of the sessions' auto-configuration, next to Boot's own session
 * auto-configurations (which would store sessions at localhost:6379 when nothing is
 * configured): contexts made by {@link WebApplicationContextRunner}.
 */
class SessionsAutoConfigurationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final AutoConfigurations WITH_BOOTS_SESSIONS = AutoConfigurations.of(
			DataRedisAutoConfiguration.class, RedisStarterAutoConfiguration.class, SessionsAutoConfiguration.class,
			SessionDataRedisAutoConfiguration.class, SessionAutoConfiguration.class);

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(WITH_BOOTS_SESSIONS);

	@Test
	void withNoRedisConfiguredSessionsAreKeptInMemoryAndBootsRedisSessionsBackOff() {
		this.web.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SessionRepository.class)
				.hasSingleBean(FailoverSessionRepository.class)
				.doesNotHaveBean(RedisSessionRepository.class);
			FailoverSessionRepository sessions = context.getBean(FailoverSessionRepository.class);
			FailoverSession session = sessions.createSession();
			assertThat(session.inRedis()).isFalse();
			sessions.save(session);
			assertThat(sessions.findById(session.getId())).isNotNull();
			assertThat(sessions.sessionsInMemory()).isOne();
			// Spring Session's filter over it, registered by Boot's session
			// auto-configuration, which ran after the starter's.
			assertThat(context).hasSingleBean(SessionRepositoryFilter.class);
			assertThat(context.getBean("sessionRepositoryFilterRegistration"))
				.isInstanceOf(DelegatingFilterProxyRegistrationBean.class);
			assertThat(RedisStarterAutoConfiguration.sessionsOn(context.getEnvironment())).isTrue();
		});
	}

	@Test
	void turnedOffBootsOwnSessionsApplyAndGoToLocalhost() {
		this.web.withPropertyValues("redis-starter.sessions.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(FailoverSessionRepository.class)
				.hasSingleBean(RedisSessionRepository.class);
			assertThat(RedisStarterAutoConfiguration.sessionsOn(context.getEnvironment())).isFalse();
		});
	}

	@Test
	void withRedisConfiguredSessionsAreKeptInRedis() {
		this.web.withPropertyValues("spring.data.redis.url=" + redis.server().url()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(BackendState.class).usesRedis()).isTrue();
			FailoverSessionRepository sessions = context.getBean(FailoverSessionRepository.class);
			FailoverSession session = sessions.createSession();
			assertThat(session.inRedis()).isTrue();
			sessions.save(session);
			assertThat(redis.server().command("EXISTS", "spring:session:sessions:" + session.getId())).isEqualTo(1L);
		});
	}

	@Test
	void attributeValuesAreStoredWithTheSerializerSpringSessionLetsAnAppChoose() {
		this.web.withPropertyValues("spring.data.redis.url=" + redis.server().url())
			.withUserConfiguration(CountingSerializer.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FailoverSessionRepository sessions = context.getBean(FailoverSessionRepository.class);
				FailoverSession session = sessions.createSession();
				session.setAttribute("user", "ann");
				sessions.save(session);
				assertThat(sessions.findById(session.getId()).<String>getAttribute("user")).isEqualTo("ann");
				assertThat(CountingSerializer.used.get()).isPositive();
			});
	}

	@Test
	void withoutBootsSessionModuleTheStartersFilterIsStillThere() {
		// An app that added spring-session-data-redis alone: Boot registers the filter
		// bean as it registers every Filter bean.
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStarterAutoConfiguration.class, SessionsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.session."))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(FailoverSessionRepository.class)
					.hasSingleBean(SessionRepositoryFilter.class)
					.doesNotHaveBean("sessionRepositoryFilterRegistration");
			});
	}

	@Test
	void inMemoryModeKeepsSessionsInMemoryThoughRedisIsConfigured() {
		this.web.withPropertyValues("spring.data.redis.url=" + redis.server().url(), "redis-starter.mode=memory")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FailoverSessionRepository.class).createSession().inRedis()).isFalse();
			});
	}

	@Test
	void withoutSpringSessionDataRedisNothingIsMade() {
		// As if the app had not added the jar: Boot's Redis sessions are off too.
		this.web.withClassLoader(new FilteredClassLoader("org.springframework.session.data.redis.")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SessionRepository.class).doesNotHaveBean(SessionRepositoryFilter.class);
			assertThat(context).hasSingleBean(BackendState.class);
		});
	}

	@Test
	void theAppsOwnSessionRepositoryWins() {
		this.web.withUserConfiguration(OwnSessions.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SessionRepository.class).doesNotHaveBean(FailoverSessionRepository.class);
			assertThat(context.getBean(SessionRepository.class)).isInstanceOf(MapSessionRepository.class);
		});
	}

	@Test
	void outsideAServletAppNothingIsMadeAndNoPermissionIsAskedFor() {
		new ApplicationContextRunner().withConfiguration(WITH_BOOTS_SESSIONS).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(BackendState.class).doesNotHaveBean(SessionRepository.class);
			assertThat(RedisStarterAutoConfiguration.sessionsOn(context.getEnvironment())).isFalse();
		});
	}

	@Test
	void sessionsLiveAsLongAsBootsSessionTimeoutSays() {
		this.web.withPropertyValues("spring.session.timeout=90s", "server.servlet.session.timeout=10m")
			.run((context) -> assertThat(maxInactiveInterval(context.getBean(FailoverSessionRepository.class)))
				.isEqualTo(Duration.ofSeconds(90)));
		this.web.withPropertyValues("server.servlet.session.timeout=45")
			.run((context) -> assertThat(maxInactiveInterval(context.getBean(FailoverSessionRepository.class)))
				.isEqualTo(Duration.ofSeconds(45)));
		this.web.run((context) -> assertThat(maxInactiveInterval(context.getBean(FailoverSessionRepository.class)))
			.isEqualTo(Duration.ofMinutes(30)));
	}

	private static Duration maxInactiveInterval(FailoverSessionRepository sessions) {
		return sessions.createSession().getMaxInactiveInterval();
	}

	@Test
	void aBrokenSettingStopsStartupNamingTheProperty() {
		this.web.withPropertyValues("redis-starter.sessions.key-prefix=no spaces").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidRedisSettingException.class,
						(ex) -> assertThat(ex.getSetting()).isEqualTo("redis-starter.sessions.key-prefix"));
		});
		this.web.withPropertyValues("redis-starter.sessions.memory-max-sessions=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidRedisSettingException.class,
						(ex) -> assertThat(ex.getSetting()).isEqualTo("redis-starter.sessions.memory-max-sessions"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CountingSerializer {

		static final AtomicInteger used = new AtomicInteger();

		@Bean
		RedisSerializer<Object> springSessionDefaultRedisSerializer() {
			RedisSerializer<Object> java = RedisSerializer.java();
			return new RedisSerializer<>() {

				@Override
				public byte[] serialize(Object value) {
					used.incrementAndGet();
					return java.serialize(value);
				}

				@Override
				public Object deserialize(byte[] bytes) {
					return java.deserialize(bytes);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnSessions {

		@Bean
		MapSessionRepository ownSessions() {
			return new MapSessionRepository(new ConcurrentHashMap<>());
		}

	}

}
