package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.cache.TwoLevelCacheManager;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Spring's cache abstraction on the two-level caches: when the app enables caching
 * ({@code @EnableCaching}), its {@code CacheManager} is a {@link TwoLevelCacheManager}
 * that follows the starter's backend, instead of Boot's own {@code RedisCacheManager}
 * (which talks to localhost:6379 when no Redis is configured). Backs off when the app
 * defines a {@code CacheManager} or a {@code cacheResolver}, or chooses a cache type with
 * {@code spring.cache.type}.
 */
@AutoConfiguration(after = CacheAutoConfiguration.class,
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnBean({ TwoLevelCacheFactory.class, CacheAspectSupport.class })
@ConditionalOnMissingBean(value = CacheManager.class, name = "cacheResolver")
@ConditionalOnProperty(prefix = "redis-starter.cache.cache-manager", name = "enabled", matchIfMissing = true)
@Conditional(CacheManagerAutoConfiguration.NoCacheTypeChosen.class)
public final class CacheManagerAutoConfiguration {

	private static final Pattern PACKAGE = Pattern
		.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

	@Bean
	TwoLevelCacheManager cacheManager(TwoLevelCacheFactory caches, CacheProperties properties, BeanFactory beanFactory,
			Environment environment) {
		List<String> trusted = new ArrayList<>(properties.getTrustedPackages());
		for (int i = 0; i < trusted.size(); i++) {
			if (!PACKAGE.matcher(trusted.get(i)).matches()) {
				throw new InvalidRedisSettingException("redis-starter.cache.trusted-packages[" + i + "]",
						trusted.get(i), "not a package name",
						"package names such as com.example.catalog (a package trusts its subpackages; no wildcards)");
			}
		}
		if (AutoConfigurationPackages.has(beanFactory)) {
			trusted.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		List<String> names = Binder.get(environment)
			.bind("spring.cache.cache-names", Bindable.listOf(String.class))
			.orElse(List.of());
		return new TwoLevelCacheManager(caches, trusted, properties.isCacheNullValues(), names);
	}

	/** Whether the app left the choice of cache to the starter. */
	static final class NoCacheTypeChosen extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String type = context.getEnvironment().getProperty("spring.cache.type");
			return (type == null) ? ConditionOutcome.match("spring.cache.type is not set")
					: ConditionOutcome.noMatch("spring.cache.type is set to '" + type + "'");
		}

	}

}
