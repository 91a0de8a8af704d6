package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service connection (what Testcontainers' {@code @ServiceConnection} or Docker Compose
 * support registers) counts as configured Redis, although no property is set.
 */
class ServiceConnectionTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password("svc-pw"));

	@Test
	void aServiceConnectionIsConfiguredRedis() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class,
				ServiceConnection.class)
			.web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(java.util.Map.of()))
			.run("--spring.main.banner-mode=off")) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).as(state.reason()).isEqualTo(BackendMode.REDIS);
			assertThat(state.endpoint().address()).isEqualTo("127.0.0.1:" + redis.server().port());
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConnection {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return new DataRedisConnectionDetails() {

				@Override
				public String getPassword() {
					return redis.server().password();
				}

				@Override
				public Standalone getStandalone() {
					return Standalone.of(RedisServer.HOST, redis.server().port());
				}

			};
		}

	}

}
