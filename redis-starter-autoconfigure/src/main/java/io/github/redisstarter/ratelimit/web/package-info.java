/**
 * Rate limits for Spring MVC: {@link io.github.redisstarter.ratelimit.web.RateLimited} on
 * handlers, path rules, and the {@code 429}, {@code Retry-After} and {@code RateLimit}
 * headers.
 */
@NullMarked
package io.github.redisstarter.ratelimit.web;

import org.jspecify.annotations.NullMarked;
