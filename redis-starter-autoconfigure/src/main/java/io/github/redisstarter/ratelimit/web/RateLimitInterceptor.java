package io.github.redisstarter.ratelimit.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.redisstarter.ratelimit.RateLimiter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Checks each request against the path rules and the {@link RateLimited} annotations of
 * its handler, in that order, stopping at the first denial. An allowed request goes on
 * with the rate-limit headers set; a denied one gets {@code 429} with {@code Retry-After}
 * and an {@code application/problem+json} body, and never reaches the handler. The rules
 * are the ones {@link RateLimitWebFilter} applies in WebFlux apps.
 */
public final class RateLimitInterceptor implements HandlerInterceptor {

	/**
	 * The IPv6 prefix a client stands for, unless told otherwise: what a provider usually
	 * hands one client.
	 */
	public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

	private final RequestLimits limits;

	public RateLimitInterceptor(RateLimiter limiter, List<RateLimitRule> rules, boolean legacyHeaders,
			@Nullable BeanFactory beanFactory) {
		this(limiter, rules, legacyHeaders, DEFAULT_IPV6_PREFIX_LENGTH, JsonMapper.builder().build(), beanFactory);
	}

	/**
	 * @param ipv6PrefixLength how many leading bits of an IPv6 client address make its
	 * {@code clientIp} key (128: the whole address)
	 * @param mapper writes the {@link ProblemDetail} body of a 429: the app's, so that
	 * its settings apply
	 */
	public RateLimitInterceptor(RateLimiter limiter, List<RateLimitRule> rules, boolean legacyHeaders,
			int ipv6PrefixLength, JsonMapper mapper, @Nullable BeanFactory beanFactory) {
		this.limits = new RequestLimits(limiter, rules, legacyHeaders, ipv6PrefixLength, mapper, beanFactory);
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		// An error page or an async re-dispatch belongs to a request that was already
		// checked: never count it twice.
		if (request.getDispatcherType() != DispatcherType.REQUEST) {
			return true;
		}
		PathContainer path = null;
		if (this.limits.hasRules()) {
			path = ServletRequestPathUtils.hasParsedRequestPath(request)
					? ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication()
					: ServletRequestPathUtils.parseAndCache(request).pathWithinApplication();
		}
		List<RateLimitRule.Check> checks = this.limits.checks(request.getMethod(), path, handler);
		if (checks.isEmpty()) {
			return true;
		}
		RequestLimits.Outcome outcome = this.limits.check(checks,
				new RateLimitKeyContext(request, this.limits.ipv6PrefixLength()));
		this.limits.headers(outcome).forEach(response::setHeader);
		if (!outcome.denied()) {
			return true;
		}
		response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write(this.limits.problem(outcome, request.getRequestURI()));
		return false;
	}

	/**
	 * Checks the {@link RateLimited} annotations of a handler: known limits, valid key
	 * expressions, costs that can be allowed.
	 * @throws InvalidRateLimitedException naming the handler and what is wrong
	 */
	public void validate(HandlerMethod method, RateLimiter limiter) {
		this.limits.validate(method, limiter);
	}

	/** Whether a rule or a handler validated so far keys a limit by {@code clientIp}. */
	public boolean isKeyedByClientIp() {
		return this.limits.isKeyedByClientIp();
	}

}
