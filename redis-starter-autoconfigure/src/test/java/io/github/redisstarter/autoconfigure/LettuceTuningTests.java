package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The starter tunes Boot's own Lettuce client (no second client) without throwing away Boot's options. */
class LettuceTuningTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void shortTimeoutsAndRejectionWhileDisconnectedByDefault() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()))) {
			assertThat(context.getBeansOfType(RedisConnectionFactory.class)).hasSize(1);
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			ClientOptions options = factory.getClientConfiguration().getClientOptions().orElseThrow();
			assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(options.isAutoReconnect()).isTrue();
			assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(1));
			// Boot's own option survives: commands time out at all.
			assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
			ClientResources resources = context.getBean(ClientResources.class);
			assertThat(resources.reconnectDelay().createDelay(30)).isLessThanOrEqualTo(Duration.ofSeconds(1));
		}
	}

	@Test
	void theAppsOwnTimeoutsWin() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()),
				"spring.data.redis.timeout=5s", "spring.data.redis.connect-timeout=3s")) {
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			ClientOptions options = factory.getClientConfiguration().getClientOptions().orElseThrow();
			assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		}
	}

	@Test
	void aCallerFacingAHungServerWaitsAboutOneCommandTimeoutNotLettucesSixtySeconds() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()))) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("k", "v");
			redis.server().pause();
			long start = System.nanoTime();
			assertThatThrownBy(() -> template.opsForValue().get("k")).isInstanceOf(QueryTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			redis.server().resume();
		}
	}

	@Test
	void aCallerDuringAnOutageIsRejectedAtOnceInsteadOfQueued() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()),
				"redis-starter.mode=redis")) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("k", "v");
			redis.server().kill();
			long start = System.nanoTime();
			assertThatThrownBy(() -> template.opsForValue().get("k")).hasStackTraceContaining("not connected");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
	}


}
