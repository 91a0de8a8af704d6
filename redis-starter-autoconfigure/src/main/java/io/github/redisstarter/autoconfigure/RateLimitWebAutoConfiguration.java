package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimitInterceptor;
import io.github.redisstarter.ratelimit.web.RateLimitRule;
import io.github.redisstarter.ratelimit.web.RateLimited;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Rate limits on Spring MVC requests: {@link RateLimited} handlers and {@code redis-starter.rate-limit.web.rules}.
 * Every annotated handler is checked at startup, so a misspelt limit name or key expression stops the app with a
 * message instead of failing its first request.
 */
@AutoConfiguration(after = RateLimiterAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnBean(RateLimiter.class)
@ConditionalOnProperty(prefix = "redis-starter.rate-limit.web", name = "enabled", matchIfMissing = true)
public final class RateLimitWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RateLimitInterceptor redisStarterRateLimitInterceptor(RateLimiter limiter, RateLimitProperties properties,
			ListableBeanFactory beanFactory) {
		List<RateLimitRule> rules = new ArrayList<>();
		List<RateLimitProperties.Rule> configured = properties.getWeb().getRules();
		for (int i = 0; i < configured.size(); i++) {
			rules.add(rule("redis-starter.rate-limit.web.rules[" + i + "]", configured.get(i), limiter));
		}
		return new RateLimitInterceptor(limiter, rules, properties.getWeb().isLegacyHeaders(), beanFactory);
	}

	private static RateLimitRule rule(String property, RateLimitProperties.Rule rule, RateLimiter limiter) {
		if (rule.getPaths().isEmpty()) {
			throw new InvalidRedisSettingException(property + ".paths", "", "a rule needs at least one path pattern",
					"path patterns such as /api/** or /api/orders/{id}");
		}
		if (rule.getLimit() == null) {
			throw new InvalidRedisSettingException(property + ".limit", "", "a rule needs a limit",
					"the name of a limit under redis-starter.rate-limit.limits, one of " + names(limiter));
		}
		try {
			limiter.limits().get(rule.getLimit());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisSettingException(property + ".limit", rule.getLimit(), "no limit has that name",
					"the name of a limit under redis-starter.rate-limit.limits, one of " + names(limiter));
		}
		if (rule.getCost() <= 0 || rule.getCost() > limiter.limits().get(rule.getLimit()).smallestPermits()) {
			throw new InvalidRedisSettingException(property + ".cost", Long.toString(rule.getCost()),
					"the cost must be positive and at most the permits of every band of the limit",
					"a whole number from 1 to " + limiter.limits().get(rule.getLimit()).smallestPermits());
		}
		try {
			return RateLimitRule.of(rule.getPaths(), rule.getMethods(), rule.getLimit(), rule.getKey(), rule.getCost());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisSettingException(property + ".paths", rule.getPaths().toString(), ex.getMessage(),
					"path patterns such as /api/** or /api/orders/{id}");
		}
	}

	private static String names(RateLimiter limiter) {
		return limiter.limits().all().stream().map((l) -> l.name()).sorted().toList().toString();
	}

	@Bean
	WebMvcConfigurer redisStarterRateLimitWebMvcConfigurer(RateLimitInterceptor interceptor) {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(interceptor);
			}

		};
	}

	/** Checks every {@link RateLimited} handler once the handler mappings exist. */
	@Bean
	static SmartInitializingSingleton redisStarterRateLimitedHandlersCheck(ListableBeanFactory beanFactory) {
		return () -> {
			RateLimitInterceptor interceptor = beanFactory.getBean(RateLimitInterceptor.class);
			RateLimiter limiter = beanFactory.getBean(RateLimiter.class);
			for (RequestMappingHandlerMapping mapping : beanFactory.getBeansOfType(RequestMappingHandlerMapping.class)
				.values()) {
				mapping.getHandlerMethods().values().forEach((method) -> interceptor.validate(method, limiter));
			}
		};
	}

}
