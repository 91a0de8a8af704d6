/**
 * Rate limits for Spring MVC and WebFlux:
 * {@link io.github.redisstarter.ratelimit.web.RateLimited} on handlers, path rules, and
 * the {@code 429}, {@code Retry-After} and {@code RateLimit} headers. The rules live in
 * {@code RequestLimits}, shared by the MVC interceptor and the WebFlux filter; the
 * servlet and reactive types are met only in the classes of their stack.
 */
@NullMarked
package io.github.redisstarter.ratelimit.web;

import org.jspecify.annotations.NullMarked;
