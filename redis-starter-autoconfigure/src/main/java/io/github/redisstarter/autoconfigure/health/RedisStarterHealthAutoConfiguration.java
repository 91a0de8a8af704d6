package io.github.redisstarter.autoconfigure.health;

import java.util.Locale;

import io.github.redisstarter.autoconfigure.RedisStarterAutoConfiguration;
import io.github.redisstarter.autoconfigure.RedisStarterProperties;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.ServerFacts;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Replaces Boot's Redis health contributor (same bean name, so Boot backs off): Boot's
 * reports DOWN whenever Redis is down and takes the app's overall health with it,
 * although the app works on the in-memory twins.
 */
@AutoConfiguration(after = RedisStarterAutoConfiguration.class, beforeName = {
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration" })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(BackendState.class)
@ConditionalOnEnabledHealthIndicator("redis")
public final class RedisStarterHealthAutoConfiguration {

	@Bean(name = "redisHealthContributor")
	@ConditionalOnMissingBean(name = { "redisHealthIndicator", "redisHealthContributor" })
	BackendHealthIndicator redisHealthContributor(BackendState state, RedisStarterProperties properties,
			ObjectProvider<ServerFacts> serverFacts) {
		String status = properties.getHealth().getFallbackStatus().trim().toUpperCase(Locale.ROOT);
		return new BackendHealthIndicator(state, new Status(status), serverFacts.getIfAvailable());
	}

}
