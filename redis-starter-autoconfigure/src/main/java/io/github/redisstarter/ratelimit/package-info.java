/**
 * Distributed rate limits: {@link io.github.redisstarter.ratelimit.RateLimiter} checks
 * requests against named {@link io.github.redisstarter.ratelimit.RateLimit}s with the
 * generic cell rate algorithm, in one Redis round trip or in memory with the same
 * arithmetic, and the limiter an app gets follows the backend across outages.
 * {@link io.github.redisstarter.ratelimit.RateLimiters} makes each of them outside
 * Spring.
 */
@NullMarked
package io.github.redisstarter.ratelimit;

import org.jspecify.annotations.NullMarked;
