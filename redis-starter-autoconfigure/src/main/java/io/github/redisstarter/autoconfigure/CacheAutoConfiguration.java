package io.github.redisstarter.autoconfigure;

import java.util.List;
import java.util.function.Function;

import io.github.redisstarter.cache.CacheObserver;
import io.github.redisstarter.cache.CacheSettings;
import io.github.redisstarter.cache.Eviction;
import io.github.redisstarter.cache.RoleCache;
import io.github.redisstarter.cache.RoleLoader;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Two-level caches: a {@link TwoLevelCacheFactory} for the app's own caches and, when the
 * app declares a {@link RoleLoader} bean, the {@link RoleCache} in front of it.
 */
@AutoConfiguration(after = RedisStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(JsonMapper.class)
@ConditionalOnBean({ BackendState.class, LettuceConnectionFactory.class, RedisSubscriber.class })
@ConditionalOnProperty(prefix = "redis-starter.cache", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(CacheProperties.class)
public final class CacheAutoConfiguration {

	private static final String CACHE_SETTINGS = "positive durations such as 30s or 5m, a ttl-jitter from 0 to below 1,"
			+ " a positive near-max-size, a positive max-value-size such as 512KB or 1MB, a version of 1 to 32 letters,"
			+ " digits, '.', '_' or '-', and a key-prefix of 1 to 64 letters, digits, '.', '_', '-' or ':'";

	@Bean
	@ConditionalOnMissingBean
	TwoLevelCacheFactory redisStarterCacheFactory(Failover failover, SharedRedisCommands commands,
			RedisSubscriber subscriber, ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<CacheObserver> observers,
			CacheProperties properties, Environment environment) {
		Function<String, CacheSettings> settings = (name) -> SettingRules.apply(environment,
				properties.propertyPrefix(name), CACHE_SETTINGS, () -> properties.settingsOf(name));
		// The defaults and every cache configured by name: a mistake stops startup before
		// any cache is made.
		settings.apply("");
		properties.getCaches().keySet().forEach(settings::apply);
		List<CacheObserver> all = observers.orderedStream().toList();
		CacheObserver observer = (all.size() == 1) ? all.get(0) : new CompositeCacheObserver(all);
		return SettingRules.apply(environment, "redis-starter.cache", CACHE_SETTINGS,
				() -> new TwoLevelCacheFactory(failover, commands, new RedisCalls(failover.state()), subscriber,
						jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), observer,
						properties.getKeyPrefix(), settings));
	}

	@Bean
	@ConditionalOnMissingBean(RoleCache.class)
	@ConditionalOnBean(RoleLoader.class)
	RoleCache<?> redisStarterRoleCache(TwoLevelCacheFactory caches, ConfigurableListableBeanFactory beanFactory) {
		String[] names = beanFactory.getBeanNamesForType(RoleLoader.class);
		if (names.length != 1) {
			throw new IllegalStateException("RoleCache needs exactly one RoleLoader bean, found " + names.length + ": "
					+ List.of(names) + "; define the RoleCache bean yourself, from TwoLevelCacheFactory.create");
		}
		return roleCache(caches, names[0], beanFactory);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RoleCache<?> roleCache(TwoLevelCacheFactory caches, String name,
			ConfigurableListableBeanFactory beanFactory) {
		RoleLoader loader = beanFactory.getBean(name, RoleLoader.class);
		Class<?> type = roleType(beanFactory, name, loader);
		return new RoleCache<>(caches.create(RoleCache.NAME, type, loader));
	}

	/**
	 * The R of the RoleLoader&lt;R&gt; bean: from its declared type (a @Bean method),
	 * else from its class.
	 */
	private static Class<?> roleType(ConfigurableListableBeanFactory beanFactory, String name, RoleLoader<?> loader) {
		Class<?> type = beanFactory.containsBeanDefinition(name)
				? beanFactory.getMergedBeanDefinition(name).getResolvableType().as(RoleLoader.class).resolveGeneric(0)
				: null;
		if (type == null) {
			type = ResolvableType.forClass(loader.getClass()).as(RoleLoader.class).resolveGeneric(0);
		}
		if (type == null) {
			throw new IllegalStateException("The role type of RoleLoader bean '" + name
					+ "' cannot be read: declare the"
					+ " bean as RoleLoader<YourRole> (the @Bean method's return type) or in a class that implements"
					+ " RoleLoader<YourRole>");
		}
		return type;
	}

	/** Tells several observers, in order. */
	private record CompositeCacheObserver(List<CacheObserver> observers) implements CacheObserver {

		@Override
		public void onHit(String cache, Level level) {
			this.observers.forEach((o) -> o.onHit(cache, level));
		}

		@Override
		public void onMiss(String cache, Level level) {
			this.observers.forEach((o) -> o.onMiss(cache, level));
		}

		@Override
		public void onLoad(String cache, long nanos, boolean found) {
			this.observers.forEach((o) -> o.onLoad(cache, nanos, found));
		}

		@Override
		public void onLoadFailure(String cache, Throwable failure) {
			this.observers.forEach((o) -> o.onLoadFailure(cache, failure));
		}

		@Override
		public void onError(String cache, Throwable failure) {
			this.observers.forEach((o) -> o.onError(cache, failure));
		}

		@Override
		public void onEviction(String cache, boolean all, Eviction eviction) {
			this.observers.forEach((o) -> o.onEviction(cache, all, eviction));
		}

		@Override
		public void onUnacknowledged(String cache) {
			this.observers.forEach((o) -> o.onUnacknowledged(cache));
		}

		@Override
		public void onPoisoned(String cache) {
			this.observers.forEach((o) -> o.onPoisoned(cache));
		}

	}

}
