package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimitWebFilter;
import io.github.redisstarter.ratelimit.web.RateLimited;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;

/**
 * Rate limits on WebFlux requests, the twin of {@link RateLimitWebAutoConfiguration}:
 * {@link RateLimited} handlers of annotated controllers and
 * {@code redis-starter.rate-limit.web.rules} (which also limit functional routes),
 * through a {@link RateLimitWebFilter}. Every annotated handler is checked at startup, as
 * on Spring MVC.
 */
@AutoConfiguration(after = RateLimiterAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ DispatcherHandler.class, Mono.class })
@ConditionalOnBean(RateLimiter.class)
@ConditionalOnProperty(prefix = "redis-starter.rate-limit.web", name = "enabled", matchIfMissing = true)
public final class RateLimitWebFluxAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitWebFluxAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RateLimitWebFilter redisStarterRateLimitWebFilter(RateLimiter limiter, RateLimitProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ListableBeanFactory beanFactory) {
		return new RateLimitWebFilter(limiter, RateLimitWebSettings.rules(properties, limiter),
				properties.getWeb().isLegacyHeaders(), RateLimitWebSettings.ipv6PrefixLength(properties),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), beanFactory);
	}

	/**
	 * Hands the filter the app's handler mappings and checks every {@link RateLimited}
	 * handler once they exist; warns when limits keyed by the client's address trust a
	 * header the client writes.
	 */
	@Bean
	static SmartInitializingSingleton redisStarterRateLimitedReactiveHandlersCheck(ListableBeanFactory beanFactory,
			Environment environment) {
		return () -> {
			RateLimitWebFilter filter = beanFactory.getBean(RateLimitWebFilter.class);
			RateLimiter limiter = beanFactory.getBean(RateLimiter.class);
			DispatcherHandler dispatcher = beanFactory.getBeanProvider(DispatcherHandler.class).getIfUnique();
			List<HandlerMapping> mappings = (dispatcher != null) ? dispatcher.getHandlerMappings() : null;
			if (mappings == null) {
				mappings = new ArrayList<>(beanFactory.getBeansOfType(HandlerMapping.class).values());
				AnnotationAwareOrderComparator.sort(mappings);
			}
			filter.useHandlerMappings(mappings, limiter);
			String strategy = environment.getProperty("server.forward-headers-strategy", "").trim();
			if (filter.isKeyedByClientIp()
					&& (strategy.equalsIgnoreCase("framework") || strategy.equalsIgnoreCase("native"))) {
				logger.warn("Rate limits keyed by clientIp trust X-Forwarded-For with server.forward-headers-strategy="
						+ strategy.toLowerCase(java.util.Locale.ROOT) + ": in a WebFlux app both strategies take its"
						+ " left-most address, which the client writes, so a client can choose its own key and get a"
						+ " fresh budget with every request. Keep the strategy only behind a proxy that replaces"
						+ " X-Forwarded-For rather than appending to it, or key the limits by something the client"
						+ " cannot choose (principal, an API key)");
			}
		};
	}

}
