package io.github.redisstarter.autoconfigure.metrics;

import io.github.redisstarter.autoconfigure.RateLimiterAutoConfiguration;
import io.github.redisstarter.autoconfigure.RedisStarterAutoConfiguration;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.connection.BackendState;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import io.github.redisstarter.queue.ManagedJobQueue;

/**
 * Backend meters, bound to every registry by Boot's metrics support when Micrometer is
 * present.
 */
@AutoConfiguration(after = { RedisStarterAutoConfiguration.class, RateLimiterAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(BackendState.class)
public final class RedisStarterMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BackendMetrics redisStarterBackendMetrics(BackendState state) {
		return new BackendMetrics(state);
	}

	/** Broadcast meters, by channel prefix. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
	BroadcastMetrics redisStarterBroadcastMetrics() {
		return new BroadcastMetrics();
	}

	/** Cache meters: they appear with each cache's first event. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
	CacheMetrics redisStarterCacheMetrics() {
		return new CacheMetrics();
	}

	/** Only when the job queue is on: the meters read its counts and hear its events. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
	@ConditionalOnProperty(prefix = "redis-starter.queue", name = "enabled", matchIfMissing = true)
	QueueMetrics redisStarterQueueMetrics(ObjectProvider<ManagedJobQueue> queue) {
		return new QueueMetrics(queue::getIfAvailable);
	}

	/** Only when the rate limiter is on: the metrics observe its limits. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RateLimits.class)
	RateLimitMetrics redisStarterRateLimitMetrics(RateLimits limits) {
		return new RateLimitMetrics(limits);
	}

}
