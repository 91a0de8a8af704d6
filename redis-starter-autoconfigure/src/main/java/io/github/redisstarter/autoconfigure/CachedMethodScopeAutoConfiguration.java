package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.cache.CachedMethodScope;
import io.github.redisstarter.cache.TwoLevelCacheManager;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.util.CollectionUtils;

/**
 * The advisor that wraps every method with cache annotations, outside Spring's cache
 * interceptor, whenever a {@link TwoLevelCacheManager} serves them: the starter's or one
 * the app defines. Without it a look-up's miss claims nothing and a method's result would
 * be put over whatever an eviction left.
 */
@AutoConfiguration(after = CacheManagerAutoConfiguration.class)
@ConditionalOnBean(TwoLevelCacheManager.class)
public final class CachedMethodScopeAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor redisStarterCachedMethodScope() {
		CacheOperationSource annotations = new AnnotationCacheOperationSource(false);
		StaticMethodMatcherPointcut cached = new StaticMethodMatcherPointcut() {

			@Override
			public boolean matches(java.lang.reflect.Method method, Class<?> targetClass) {
				return !CollectionUtils.isEmpty(annotations.getCacheOperations(method, targetClass));
			}

		};
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(cached, new CachedMethodScope(annotations));
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return advisor;
	}

}
