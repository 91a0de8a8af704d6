package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimitRule;

/**
 * {@code redis-starter.rate-limit.web.*} as both web stacks read it: the path rules and
 * the IPv6 prefix, each checked with a message naming the property.
 */
final class RateLimitWebSettings {

	private RateLimitWebSettings() {
	}

	static List<RateLimitRule> rules(RateLimitProperties properties, RateLimiter limiter) {
		List<RateLimitRule> rules = new ArrayList<>();
		List<RateLimitProperties.Rule> configured = properties.getWeb().getRules();
		for (int i = 0; i < configured.size(); i++) {
			rules.add(rule("redis-starter.rate-limit.web.rules[" + i + "]", configured.get(i), limiter));
		}
		return rules;
	}

	static int ipv6PrefixLength(RateLimitProperties properties) {
		int prefix = properties.getWeb().getClientIp().getIpv6PrefixLength();
		if (prefix < 1 || prefix > 128) {
			throw new InvalidRedisSettingException("redis-starter.rate-limit.web.client-ip.ipv6-prefix-length",
					Integer.toString(prefix), "not a prefix length of an IPv6 address",
					"a whole number from 1 to 128, such as 64 (a client's usual allocation) or 128 (each address alone)");
		}
		return prefix;
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
		try {
			limiter.limits().checkCost(rule.getLimit(), rule.getCost());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisSettingException(property + ".cost", Long.toString(rule.getCost()), ex.getMessage(),
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

}
