package io.github.redisstarter.ratelimit.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a handler method of an annotated controller (or every handler of a controller),
 * in Spring MVC or WebFlux, by a named rate limit; on any other method it limits nothing,
 * and a startup warning says so. A denied request gets {@code 429 Too Many Requests} with
 * {@code Retry-After} and a problem body; every limited response carries the
 * {@code RateLimit-Policy} and {@code RateLimit} headers. Repeat it to check several
 * limits, in order.
 *
 * <pre class="code">
 * &#64;RateLimited(limit = "search", key = "principal")
 * &#64;GetMapping("/api/search")
 * List&lt;Hit&gt; search(...) { ... }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(RateLimited.List.class)
public @interface RateLimited {

	/**
	 * The name of the limit, defined under {@code redis-starter.rate-limit.limits} or as
	 * a {@code RateLimit} bean.
	 */
	String limit();

	/**
	 * A SpEL expression for the key, evaluated against a {@link RateLimitKeyContext}:
	 * {@code clientIp} (the default), {@code principal}, {@code header('X-Api-Key')},
	 * {@code pathVariable('id')}, or anything on {@code request}; beans are reachable as
	 * {@code @name}. A request whose key is empty is not limited by this annotation.
	 */
	String key() default "clientIp";

	/** Permits each request takes. */
	long cost() default 1;

	/** Holds repeated {@link RateLimited} annotations. */
	@Target({ ElementType.METHOD, ElementType.TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		RateLimited[] value();

	}

}
