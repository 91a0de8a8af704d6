package io.github.redisstarter.ratelimit.web;

import java.util.List;

import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimits;
import io.github.redisstarter.ratelimit.RateLimiters;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.server.PathContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The path variables a WebFlux filter's rules read before any route is picked.
 */
class RequestLimitsTests {

	@Test
	void aRuleReadsTheVariablesOfEveryMatchingRuleNotOnlyTheFirst() {
		RequestLimits limits = new RequestLimits(
				RateLimiters.inMemory(RateLimits.of(RateLimit.of("tenant", Band.parse("10/1s")),
						RateLimit.of("item", Band.parse("10/1s")))),
				List.of(RateLimitRule.of(List.of("/api/{tenant}/**"), List.of(), "tenant", "pathVariable('tenant')", 1),
						RateLimitRule.of(List.of("/api/{tenant}/items/{id}"), List.of(), "item", "pathVariable('id')",
								1)),
				false, 56, JsonMapper.builder().build(), null);
		assertThat(limits.ruleVariables("GET", PathContainer.parsePath("/api/acme/items/42")))
			.containsEntry("tenant", "acme")
			.containsEntry("id", "42");
		assertThat(limits.ruleVariables("GET", PathContainer.parsePath("/api/acme/users"))).containsOnlyKeys("tenant");
	}

}
