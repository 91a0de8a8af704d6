/**
 * Distributed rate limits: {@link io.github.redisstarter.ratelimit.RateLimiter} checks
 * requests against named {@link io.github.redisstarter.ratelimit.RateLimit}s with the
 * generic cell rate algorithm, in one Redis round trip
 * ({@link io.github.redisstarter.ratelimit.RedisRateLimiter}) or in memory
 * ({@link io.github.redisstarter.ratelimit.InMemoryRateLimiter}) with the same
 * arithmetic, and {@link io.github.redisstarter.ratelimit.FailoverRateLimiter} follows
 * the backend across outages.
 */
@NullMarked
package io.github.redisstarter.ratelimit;

import org.jspecify.annotations.NullMarked;
