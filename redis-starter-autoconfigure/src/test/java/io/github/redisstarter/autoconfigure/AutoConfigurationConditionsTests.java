package io.github.redisstarter.autoconfigure;

import java.util.Optional;
import java.util.function.Supplier;

import io.github.redisstarter.autoconfigure.health.BackendHealthIndicator;
import io.github.redisstarter.autoconfigure.health.RedisStarterHealthAutoConfiguration;
import io.github.redisstarter.autoconfigure.metrics.BackendMetrics;
import io.github.redisstarter.autoconfigure.metrics.BroadcastMetrics;
import io.github.redisstarter.autoconfigure.metrics.CacheMetrics;
import io.github.redisstarter.autoconfigure.metrics.RateLimitMetrics;
import io.github.redisstarter.autoconfigure.metrics.RedisStarterMetricsAutoConfiguration;
import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.RoleCache;
import io.github.redisstarter.cache.RoleLoader;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.cache.TwoLevelCacheManager;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.BackendMonitor;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.ServerFacts;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.ratelimit.web.RateLimitInterceptor;
import io.github.redisstarter.ratelimit.RateLimiters;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every condition and override of the auto-configurations, the way Spring Boot tests its
 * own: contexts made by {@link ApplicationContextRunner}, with no Redis configured (so
 * nothing connects) and no server needed.
 */
class AutoConfigurationConditionsTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(DataRedisAutoConfiguration.class,
			JacksonAutoConfiguration.class, RedisStarterAutoConfiguration.class, RateLimiterAutoConfiguration.class,
			CacheAutoConfiguration.class, BroadcastAutoConfiguration.class, RateLimitWebAutoConfiguration.class,
			RedisStarterHealthAutoConfiguration.class, RedisStarterMetricsAutoConfiguration.class,
			QueueAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(ALL);

	@Test
	void withNothingConfiguredEveryCapabilityRunsOnItsTwinAndNothingConnects() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(context.getBean(BackendState.class).endpoint()).isNull();
			assertThat(context).hasSingleBean(BackendMonitor.class)
				.hasSingleBean(Failover.class)
				.hasSingleBean(SharedRedisCommands.class)
				.hasSingleBean(RedisSubscriber.class)
				.hasSingleBean(TwoLevelCacheFactory.class)
				.doesNotHaveBean(RoleCache.class);
			assertThat(context.getBean(RateLimiter.class).getClass().getSimpleName()).isEqualTo("FailoverRateLimiter");
			assertThat(context.getBean(Broadcaster.class).getClass().getSimpleName()).isEqualTo("InMemoryBroadcaster");
			assertThat(context.getBean("redisHealthContributor")).isInstanceOf(BackendHealthIndicator.class);
			assertThat(context).hasSingleBean(BackendMetrics.class)
				.hasSingleBean(CacheMetrics.class)
				.hasSingleBean(BroadcastMetrics.class)
				.hasSingleBean(RateLimitMetrics.class);
			// Not a web application: no interceptor.
			assertThat(context).doesNotHaveBean(RateLimitInterceptor.class);
		});
	}

	@Test
	void theCacheManagerNeedsEnableCachingAndBacksOffForTheAppsChoice() {
		ApplicationContextRunner caching = this.runner
			.withConfiguration(
					AutoConfigurations.of(CacheManagerAutoConfiguration.class, CachedMethodScopeAutoConfiguration.class,
							org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration.class))
			.withUserConfiguration(EnableCaching.class);
		this.runner.withConfiguration(AutoConfigurations.of(CacheManagerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(org.springframework.cache.CacheManager.class)
				.doesNotHaveBean("redisStarterCachedMethodScope"));
		caching.run((context) -> assertThat(context).hasSingleBean(TwoLevelCacheManager.class)
			.hasBean("redisStarterCachedMethodScope"));
		// Without Boot's cache module (spring-boot-starter-cache) too: @EnableCaching is
		// Spring's.
		this.runner.withConfiguration(AutoConfigurations.of(CacheManagerAutoConfiguration.class))
			.withUserConfiguration(EnableCaching.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.cache"))
			.run((context) -> assertThat(context).hasSingleBean(TwoLevelCacheManager.class));
		caching.withPropertyValues("redis-starter.cache.cache-manager.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class)
				.hasSingleBean(org.springframework.cache.CacheManager.class));
		caching.withPropertyValues("redis-starter.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class));
		caching.withPropertyValues("spring.cache.type=simple")
			.run((context) -> assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class)
				.hasSingleBean(org.springframework.cache.concurrent.ConcurrentMapCacheManager.class));
		caching
			.withBean("cacheResolver", org.springframework.cache.interceptor.CacheResolver.class,
					() -> (operation) -> java.util.List.of())
			// Backs off as Boot's own does: the app that names a resolver wires it.
			.run((context) -> assertThat(context.getStartupFailure())
				.hasMessageContaining("No qualifying bean of type 'org.springframework.cache.CacheManager'"));
		caching
			.withBean(org.springframework.cache.CacheManager.class,
					org.springframework.cache.support.NoOpCacheManager::new)
			.run((context) -> assertThat(context).doesNotHaveBean(TwoLevelCacheManager.class)
				.doesNotHaveBean("redisStarterCachedMethodScope"));
		// The app's own TwoLevelCacheManager gets the scope its caches rely on.
		caching.withUserConfiguration(OwnTwoLevelCacheManager.class)
			.run((context) -> assertThat(context).hasSingleBean(TwoLevelCacheManager.class)
				.hasBean("ownCacheManager")
				.hasBean("redisStarterCachedMethodScope"));
		caching.withPropertyValues("redis-starter.cache.trusted-packages=com.example.*")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("redis-starter.cache.trusted-packages[0]='com.example.*' is invalid"));
	}

	@org.springframework.cache.annotation.EnableCaching
	static class EnableCaching {

	}

	static class OwnTwoLevelCacheManager {

		@org.springframework.context.annotation.Bean
		TwoLevelCacheManager ownCacheManager(TwoLevelCacheFactory caches) {
			return new TwoLevelCacheManager(caches, java.util.List.of("com.example"), false, java.util.List.of());
		}

	}

	@Test
	void withoutSpringDataRedisTheStarterBacksOff() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis.")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(BackendState.class)
				.doesNotHaveBean(RateLimiter.class)
				.doesNotHaveBean(TwoLevelCacheFactory.class)
				.doesNotHaveBean(Broadcaster.class)
				.doesNotHaveBean(BackendMetrics.class)
				.doesNotHaveBean("redisHealthContributor");
		});
	}

	@Test
	void withoutLettuceTheBackendStillDecidesButNoCapabilityNeedsTheConnection() {
		// No Lettuce: Boot makes no LettuceConnectionFactory, so nothing the starter
		// sends on Redis is made.
		this.runner.withClassLoader(new FilteredClassLoader(RedisClient.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(BackendState.class)
				.hasSingleBean(Failover.class)
				.doesNotHaveBean(SharedRedisCommands.class)
				.doesNotHaveBean(RedisSubscriber.class)
				.doesNotHaveBean(RateLimiter.class)
				.doesNotHaveBean(TwoLevelCacheFactory.class);
			assertThat(context.getBean(Broadcaster.class).getClass().getSimpleName()).isEqualTo("InMemoryBroadcaster");
		});
	}

	@Test
	void theAppsOwnBackendBeansWin() {
		this.runner.withUserConfiguration(OwnFailover.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(Failover.class).isSameAs(OwnFailover.failover);
		});
	}

	@Test
	void eachCapabilityCanBeTurnedOff() {
		this.runner
			.withPropertyValues("redis-starter.rate-limit.enabled=false", "redis-starter.cache.enabled=false",
					"redis-starter.broadcast.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(BackendState.class)
					.doesNotHaveBean(RateLimiter.class)
					.doesNotHaveBean(RateLimitMetrics.class)
					.doesNotHaveBean(TwoLevelCacheFactory.class)
					.doesNotHaveBean(Broadcaster.class);
			});
	}

	@Test
	void theAppsOwnCapabilityBeansWin() {
		RateLimiter limiter = RateLimiters.inMemory(RateLimits.of(RateLimit.of("own", Band.perSecond(1))));
		Broadcaster broadcaster = io.github.redisstarter.broadcast.Broadcasters.inMemory(
				io.github.redisstarter.broadcast.BroadcastSettings.defaults(JsonMapper.builder().build()),
				io.github.redisstarter.broadcast.BroadcastObserver.NONE);
		this.runner.withBean(RateLimiter.class, () -> limiter)
			.withBean(Broadcaster.class, () -> broadcaster)
			.withBean(RateLimits.class, () -> limiter.limits())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(RateLimiter.class).isSameAs(limiter);
				assertThat(context).getBean(Broadcaster.class).isSameAs(broadcaster);
				assertThat(context).getBean(RateLimits.class).isSameAs(limiter.limits());
			});
	}

	@Test
	void aRoleLoaderBeanGetsARoleCacheAndTheAppsOwnRoleCacheWins() {
		this.runner.withUserConfiguration(Roles.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RoleCache.class);
		});
		this.runner.withUserConfiguration(OwnRoleCache.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(RoleCache.class).isSameAs(OwnRoleCache.cache);
		});
	}

	@Test
	void withoutJacksonThereIsNoCacheNorBroadcasterButTheLimiterWorks() {
		this.runner.withClassLoader(new FilteredClassLoader(JsonMapper.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TwoLevelCacheFactory.class)
				.doesNotHaveBean(Broadcaster.class)
				.doesNotHaveBean(CacheMetrics.class)
				.doesNotHaveBean(BroadcastMetrics.class)
				.hasSingleBean(RateLimiter.class);
		});
	}

	@Test
	void theHealthComponentFollowsBootsSwitchAndBacksOffForTheAppsOwn() {
		this.runner.withPropertyValues("management.health.redis.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("redisHealthContributor"));
		this.runner.withBean("redisHealthIndicator", HealthIndicator.class, () -> () -> null)
			.run((context) -> assertThat(context).doesNotHaveBean(BackendHealthIndicator.class));
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean("redisHealthContributor"));
	}

	@Test
	void whatRedisIsIsReadOnlyWithAConnectionFactoryUnlessTurnedOffAndItsMaxAgeMustBePositive() {
		// No Redis configured: the reader exists and the details tell nothing of a
		// server.
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ServerFacts.class);
			assertThat(context.getBean(ServerFacts.class).current().facts()).isNull();
			assertThat(context.getBean(BackendHealthIndicator.class).health(true).getDetails())
				.doesNotContainKeys("version", "serverInfoFailure");
		});
		this.runner.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ServerFacts.class));
		this.runner.withPropertyValues("redis-starter.health.server-info.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ServerFacts.class)
				.doesNotHaveBean(QueueEvictionPolicy.class)
				.hasBean("redisHealthContributor"));
		this.runner.withPropertyValues("redis-starter.health.server-info.max-age=0s")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasRootCauseInstanceOf(InvalidRedisSettingException.class)
				.rootCause()
				.hasMessageContaining("redis-starter.health.server-info.max-age")
				.hasMessageContaining("a positive duration such as 1m"));
	}

	@Test
	void withoutMicrometerThereAreNoMetersAndTheAppsOwnMetersWin() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(BackendMetrics.class)
				.doesNotHaveBean(RateLimitMetrics.class));
		this.runner.withUserConfiguration(OwnBackendMetrics.class)
			.run((context) -> assertThat(context).getBean(BackendMetrics.class).isSameAs(OwnBackendMetrics.metrics));
	}

	@Test
	void aServletAppGetsTheInterceptorUnlessTurnedOffOrReplacedOrWithoutSpringMvc() {
		this.web.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RateLimitInterceptor.class);
		});
		this.web.withPropertyValues("redis-starter.rate-limit.web.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitInterceptor.class));
		this.web.withPropertyValues("redis-starter.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitInterceptor.class));
		this.web.withClassLoader(new FilteredClassLoader(WebMvcConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitInterceptor.class));
		this.web.withUserConfiguration(OwnInterceptor.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(RateLimitInterceptor.class).isSameAs(OwnInterceptor.interceptor);
		});
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class OwnFailover {

		static Failover failover;

		/** Always the twin: an app that never wants a capability to touch Redis, say. */
		@org.springframework.context.annotation.Bean
		Failover ownFailover(BackendState state) {
			failover = new Failover() {

				@Override
				public <T> T call(Supplier<T> onRedis, Supplier<T> inMemory) {
					return inMemory.get();
				}

				@Override
				public <T> java.util.concurrent.CompletionStage<T> callAsync(
						Supplier<? extends java.util.concurrent.CompletionStage<T>> onRedis, Supplier<T> inMemory) {
					return java.util.concurrent.CompletableFuture.completedFuture(inMemory.get());
				}

				@Override
				public void bestEffort(Supplier<? extends java.util.concurrent.CompletionStage<?>> write,
						java.util.function.Consumer<String> otherFailure) {
				}

				@Override
				public BackendState state() {
					return state;
				}

			};
			return failover;
		}

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class Roles {

		@org.springframework.context.annotation.Bean
		RoleLoader<String> roles() {
			return (id) -> Optional.of("role " + id);
		}

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class OwnRoleCache {

		static RoleCache<String> cache;

		@org.springframework.context.annotation.Bean
		RoleCache<String> ownRoleCache(TwoLevelCacheFactory caches) {
			cache = new RoleCache<>(caches.create("own-roles", String.class, (id) -> Optional.of(id)));
			return cache;
		}

		@org.springframework.context.annotation.Bean
		RoleLoader<String> roles() {
			return (id) -> Optional.of("role " + id);
		}

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class OwnBackendMetrics {

		static BackendMetrics metrics;

		@org.springframework.context.annotation.Bean
		BackendMetrics ownBackendMetrics(BackendState state) {
			metrics = new BackendMetrics(state);
			return metrics;
		}

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class OwnInterceptor {

		static RateLimitInterceptor interceptor;

		@org.springframework.context.annotation.Bean
		RateLimitInterceptor ownInterceptor(RateLimiter limiter) {
			interceptor = new RateLimitInterceptor(limiter, java.util.List.of(), false, null);
			return interceptor;
		}

	}

}
