package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimitObserver;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.ratelimit.RateLimiters;
import io.github.redisstarter.ratelimit.RedisRateLimitSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The {@link RateLimiter} bean: the limits of {@code redis-starter.rate-limit.limits} and
 * of every {@link RateLimit} bean, checked on Redis while the backend is Redis and per
 * each limit's outage policy while it is away.
 */
@AutoConfiguration(after = RedisStarterAutoConfiguration.class)
@ConditionalOnBean({ Failover.class, LettuceConnectionFactory.class })
@ConditionalOnProperty(prefix = "redis-starter.rate-limit", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(RateLimitProperties.class)
public final class RateLimiterAutoConfiguration {

	@Bean
	@ConfigurationPropertiesBinding
	static Converter<String, Band> redisStarterBandConverter() {
		return Band::parse;
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimits redisStarterRateLimits(RateLimitProperties properties, ObjectProvider<RateLimit> limitBeans) {
		List<RateLimit> limits = new ArrayList<>();
		properties.getLimits().forEach((name, limit) -> limits.add(fromProperties(name, limit)));
		limitBeans.orderedStream().forEach(limits::add);
		try {
			return RateLimits.of(limits);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisSettingException("redis-starter.rate-limit.limits", names(limits), ex.getMessage(),
					"one definition per name, in properties or as a RateLimit bean");
		}
	}

	private static RateLimit fromProperties(String name, RateLimitProperties.Limit limit) {
		String property = "redis-starter.rate-limit.limits." + name;
		try {
			return new RateLimit(name, limit.getBands(), limit.getOutagePolicy());
		}
		catch (IllegalArgumentException ex) {
			String accepted = ex.getMessage().startsWith("'name'") ? "a limit name of " + RateLimit.NAME_FORM
					: "bands of the form " + Band.ACCEPTED_FORM;
			return invalid(property, limit.getBands().toString(), ex.getMessage(), accepted);
		}
	}

	private static RateLimit invalid(String property, String value, String reason, String accepted) {
		throw new InvalidRedisSettingException(property, value, reason, accepted);
	}

	private static String names(List<RateLimit> limits) {
		return limits.stream().map(RateLimit::name).toList().toString();
	}

	@Bean
	@ConditionalOnMissingBean(RateLimiter.class)
	RateLimiter redisStarterRateLimiter(RateLimits limits, RateLimitProperties properties,
			RedisStarterProperties starter, Failover failover, SharedRedisCommands commands,
			ObjectProvider<RateLimitObserver> observers, Environment environment) {
		InstantSource clock = (properties.getTimeSource() == RateLimitProperties.TimeSource.CLIENT)
				? InstantSource.system() : null;
		List<RateLimitObserver> all = observers.orderedStream().toList();
		RateLimitObserver observer = (all.size() == 1) ? all.get(0) : new CompositeObserver(all);
		Duration outageRetryAfter = max(starter.getPingInterval(), Duration.ofSeconds(1));
		return SettingRules.apply(environment, "redis-starter.rate-limit",
				"a key-prefix of non-empty text without '{' or '}', a deny-cache-size of 0 (off) or more,"
						+ " a positive memory-max-keys",
				() -> RateLimiters.withFailover(limits, commands, new RedisCalls(failover.state()),
						new RedisRateLimitSettings(properties.getKeyPrefix(), clock, properties.getDenyCacheSize()),
						properties.getMemoryMaxKeys(), failover, observer, outageRetryAfter));
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	/** Tells several observers, in order. */
	private record CompositeObserver(List<RateLimitObserver> observers) implements RateLimitObserver {

		@Override
		public void onDecision(RateLimit limit, io.github.redisstarter.ratelimit.Decision decision, long nanos) {
			for (RateLimitObserver observer : this.observers) {
				observer.onDecision(limit, decision, nanos);
			}
		}

		@Override
		public void onError(RateLimit limit, Throwable failure) {
			for (RateLimitObserver observer : this.observers) {
				observer.onError(limit, failure);
			}
		}

	}

}
