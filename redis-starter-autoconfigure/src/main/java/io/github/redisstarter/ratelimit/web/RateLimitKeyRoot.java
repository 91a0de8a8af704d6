package io.github.redisstarter.ratelimit.web;

import org.jspecify.annotations.Nullable;

/**
 * What the key expressions of both web stacks see first: the client's address, which the
 * default key {@code clientIp} reads without evaluating SpEL.
 */
interface RateLimitKeyRoot {

	@Nullable String getClientIp();

}
