package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
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

/**
 * The starter tunes Boot's own Lettuce client (no second client) without throwing away
 * Boot's options.
 */
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
	void socketOptionsTheAppSetAreKeptAndKeepaliveIsAdded() {
		try (ConfigurableApplicationContext context = TestApp.runWith(new Class<?>[] { AppSocketOptions.class },
				Map.of("REDIS_URL", redis.server().url()))) {
			SocketOptions socket = context.getBean(LettuceConnectionFactory.class)
				.getClientConfiguration()
				.getClientOptions()
				.orElseThrow()
				.getSocketOptions();
			// The app's own choices survive the starter's tuning.
			assertThat(socket.isTcpNoDelay()).isFalse();
			assertThat(socket.getConnectTimeout()).isEqualTo(Duration.ofMillis(1500));
			// TCP keepalive: a connection that a peer or a middlebox dropped is noticed
			// within about a minute. The
			// starter's (idle 30 s, 3 probes 10 s apart) on Lettuce 6, which leaves
			// keepalive off; Lettuce 7 (Spring
			// Boot 4.1) turns it on itself (13 s, 3 x 13 s), and the starter keeps that.
			// Lettuce's default is read at
			// run time: the constant for it would be compiled into this test.
			SocketOptions.KeepAliveOptions keepAlive = socket.getKeepAlive();
			boolean lettuceKeepsAliveItself = SocketOptions.builder().build().getKeepAlive().isEnabled();
			assertThat(keepAlive.isEnabled()).isTrue();
			assertThat(List.of(keepAlive.getIdle(), keepAlive.getInterval(), keepAlive.getCount()))
				.isEqualTo(lettuceKeepsAliveItself ? List.of(Duration.ofSeconds(13), Duration.ofSeconds(13), 3)
						: List.of(Duration.ofSeconds(30), Duration.ofSeconds(10), 3));
		}
	}

	@Test
	void reconnectsAreSpreadRandomlyUpToTheLongestDelaySoThatInstancesDoNotReconnectInLockstep() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of("REDIS_URL", redis.server().url()))) {
			ClientResources resources = context.getBean(ClientResources.class);
			java.util.Set<Duration> delays = new java.util.HashSet<>();
			for (int i = 0; i < 50; i++) {
				Duration delay = resources.reconnectDelay().createDelay(30);
				assertThat(delay).isLessThanOrEqualTo(Duration.ofMillis(250));
				delays.add(delay);
			}
			assertThat(delays).hasSizeGreaterThan(10);
		}
	}

	@Test
	void anAppThatTurnsTheSharedConnectionOffKeepsItsWholePool() {
		try (ConfigurableApplicationContext context = TestApp.runWith(new Class<?>[] { NoSharedConnection.class },
				Map.of("REDIS_URL", redis.server().url()), "spring.data.redis.lettuce.pool.enabled=true",
				"spring.data.redis.lettuce.pool.max-active=1", "spring.data.redis.lettuce.pool.max-wait=500ms",
				"redis-starter.rate-limit.limits.api.bands=100/1s")) {
			assertThat(context.getBean(LettuceConnectionFactory.class).getShareNativeConnection()).isFalse();
			// The starter sends its calls on a connection of its own ...
			assertThat(context.getBean(io.github.redisstarter.ratelimit.RateLimiter.class)
				.tryAcquire("api", "pool-test")
				.source()).isEqualTo(io.github.redisstarter.ratelimit.Decision.Source.REDIS);
			// ... so the app's one pooled connection is free, again and again.
			StringRedisTemplate template = new StringRedisTemplate(context.getBean(RedisConnectionFactory.class));
			for (int i = 0; i < 3; i++) {
				template.opsForValue().set("pool-test", "v" + i);
			}
			assertThat(template.opsForValue().get("pool-test")).isEqualTo("v2");
		}
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class NoSharedConnection {

		@org.springframework.context.annotation.Bean
		static org.springframework.beans.factory.config.BeanPostProcessor noSharedConnection() {
			return new org.springframework.beans.factory.config.BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String name) {
					if (bean instanceof LettuceConnectionFactory factory) {
						factory.setShareNativeConnection(false);
					}
					return bean;
				}

			};
		}

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class AppSocketOptions {

		@org.springframework.context.annotation.Bean
		org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer appSocketOptions() {
			return (builder) -> builder.socketOptions(
					SocketOptions.builder().tcpNoDelay(false).connectTimeout(Duration.ofMillis(1500)).build());
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
