package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.InvalidRateLimitedException;
import io.github.redisstarter.ratelimit.web.RateLimitInterceptor;
import io.github.redisstarter.ratelimit.web.RateLimitWebFilter;
import io.github.redisstarter.ratelimit.web.RateLimited;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.DispatcherHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the WebFlux integration, and of the check that no {@link RateLimited}
 * is silently ignored, in contexts made by the runners: no Redis configured, no server.
 */
@ExtendWith(OutputCaptureExtension.class)
class RateLimitWebFluxConditionsTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(DataRedisAutoConfiguration.class,
			JacksonAutoConfiguration.class, RedisStarterAutoConfiguration.class, RateLimiterAutoConfiguration.class,
			CacheAutoConfiguration.class, BroadcastAutoConfiguration.class, RateLimitWebAutoConfiguration.class,
			RateLimitWebFluxAutoConfiguration.class, RateLimitedCheckAutoConfiguration.class);

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(ALL)
		.withPropertyValues("redis-starter.rate-limit.limits.api.bands=5/1s");

	@Test
	void aReactiveAppGetsTheFilterUnlessTurnedOffOrReplacedOrWithoutWebFlux() {
		this.reactive.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RateLimitWebFilter.class).doesNotHaveBean(RateLimitInterceptor.class);
		});
		this.reactive.withPropertyValues("redis-starter.rate-limit.web.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitWebFilter.class));
		this.reactive.withPropertyValues("redis-starter.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitWebFilter.class));
		this.reactive.withClassLoader(new FilteredClassLoader(DispatcherHandler.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitWebFilter.class));
		this.reactive.withUserConfiguration(OwnFilter.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(RateLimitWebFilter.class).isSameAs(OwnFilter.filter);
		});
	}

	@Test
	void aServletAppGetsTheInterceptorAndNoFilter() {
		new WebApplicationContextRunner().withConfiguration(ALL)
			.run((context) -> assertThat(context).hasSingleBean(RateLimitInterceptor.class)
				.doesNotHaveBean(RateLimitWebFilter.class));
	}

	@Test
	void annotatedHandlersAreCheckedAtStartupAsOnMvc() {
		this.reactive.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
			.withUserConfiguration(BadController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining(InvalidRateLimitedException.class.getName()
						+ ": @RateLimited(limit = \"nope\", key = \"clientIp\") on")
				.hasStackTraceContaining("'limit' names no defined rate limit: 'nope'"));
		this.reactive
			.withPropertyValues("redis-starter.rate-limit.web.rules[0].paths=/x",
					"redis-starter.rate-limit.web.rules[0].limit=nope")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidRedisSettingException.class)
				.hasMessageContaining("redis-starter.rate-limit.web.rules[0].limit"));
		this.reactive.withPropertyValues("redis-starter.rate-limit.web.client-ip.ipv6-prefix-length=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("redis-starter.rate-limit.web.client-ip.ipv6-prefix-length"));
	}

	@Test
	void anAppWithNeitherMvcNorWebFluxStillGetsTheBeansAndHearsThatAnnotationsLimitNothing(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(ALL)
			.withClassLoader(
					new FilteredClassLoader("org.springframework.web.servlet", "org.springframework.web.reactive"))
			.withUserConfiguration(LimitedService.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RateLimiter.class)
					.hasSingleBean(Broadcaster.class)
					.hasSingleBean(TwoLevelCacheFactory.class)
					.doesNotHaveBean(RateLimitInterceptor.class)
					.doesNotHaveBean(RateLimitWebFilter.class);
				assertThat(RateLimitedCheckAutoConfiguration.unapplied(context.getBeanFactory()))
					.containsExactly("LimitedService#search");
			});
		assertThat(output).contains("@RateLimited on [LimitedService#search] limits nothing: neither the Spring MVC"
				+ " nor the WebFlux rate-limit integration is active in this app");
	}

	@Test
	void aReactiveAppWarnsOfAnnotationsOutsideControllersOnly(CapturedOutput output) {
		this.reactive.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
			.withUserConfiguration(GoodController.class, LimitedService.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(RateLimitedCheckAutoConfiguration.unapplied(context.getBeanFactory()))
					.containsExactly("LimitedService#search");
			});
		assertThat(output).contains("@RateLimited on [LimitedService#search] limits nothing: they are not handler"
				+ " methods of an annotated controller");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilter {

		static RateLimitWebFilter filter;

		@Bean
		RateLimitWebFilter ownFilter(RateLimiter limiter) {
			filter = new RateLimitWebFilter(limiter, java.util.List.of(), false, 64, JsonMapper.builder().build(),
					null);
			return filter;
		}

	}

	@RestController
	static class BadController {

		@RateLimited(limit = "nope")
		@GetMapping("/bad")
		Mono<String> bad() {
			return Mono.just("bad");
		}

	}

	@RestController
	static class GoodController {

		@RateLimited(limit = "api")
		@GetMapping("/good")
		Mono<String> good() {
			return Mono.just("good");
		}

	}

	/** Not a controller: nothing applies its annotation. */
	static class LimitedService {

		@RateLimited(limit = "api")
		public String search(String query) {
			return query;
		}

	}

}
