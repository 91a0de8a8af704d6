package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimitInterceptor;
import io.github.redisstarter.ratelimit.web.RateLimited;
import tools.jackson.databind.json.JsonMapper;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Rate limits on Spring MVC requests: {@link RateLimited} handlers and
 * {@code redis-starter.rate-limit.web.rules}. Every annotated handler is checked at
 * startup, so a misspelt limit name or key expression stops the app with a message
 * instead of failing its first request.
 */
@AutoConfiguration(after = RateLimiterAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnBean(RateLimiter.class)
@ConditionalOnProperty(prefix = "redis-starter.rate-limit.web", name = "enabled", matchIfMissing = true)
public final class RateLimitWebAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitWebAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RateLimitInterceptor redisStarterRateLimitInterceptor(RateLimiter limiter, RateLimitProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ListableBeanFactory beanFactory) {
		return new RateLimitInterceptor(limiter, RateLimitWebSettings.rules(properties, limiter),
				properties.getWeb().isLegacyHeaders(), RateLimitWebSettings.ipv6PrefixLength(properties),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), beanFactory);
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

	/**
	 * Checks every {@link RateLimited} handler once the handler mappings exist, and warns
	 * when limits keyed by the client's address trust a header the client writes.
	 */
	@Bean
	static SmartInitializingSingleton redisStarterRateLimitedHandlersCheck(ListableBeanFactory beanFactory,
			Environment environment) {
		return () -> {
			RateLimitInterceptor interceptor = beanFactory.getBean(RateLimitInterceptor.class);
			RateLimiter limiter = beanFactory.getBean(RateLimiter.class);
			for (RequestMappingHandlerMapping mapping : beanFactory.getBeansOfType(RequestMappingHandlerMapping.class)
				.values()) {
				mapping.getHandlerMethods().values().forEach((method) -> interceptor.validate(method, limiter));
			}
			String strategy = environment.getProperty("server.forward-headers-strategy", "");
			if (interceptor.isKeyedByClientIp() && strategy.trim().equalsIgnoreCase("framework")) {
				logger.warn("Rate limits keyed by clientIp trust X-Forwarded-For with server.forward-headers-strategy="
						+ "framework: Spring's ForwardedHeaderFilter takes its left-most address, which the client"
						+ " writes, so a client can choose its own key and get a fresh budget with every request."
						+ " Use server.forward-headers-strategy=native (Tomcat's RemoteIpValve takes the address"
						+ " next to your trusted proxies, server.tomcat.remoteip.internal-proxies), or keep framework"
						+ " only behind a proxy that replaces X-Forwarded-For rather than appending to it");
			}
		};
	}

}
