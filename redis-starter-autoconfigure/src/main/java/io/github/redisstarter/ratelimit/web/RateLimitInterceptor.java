package io.github.redisstarter.ratelimit.web;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimitHeaders.Applied;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.util.ServletRequestPathUtils;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.http.ProblemDetail;
import org.springframework.http.MediaType;
import java.net.URISyntaxException;
import java.net.URI;

/**
 * Checks each request against the path rules and the {@link RateLimited} annotations of
 * its handler, in that order, stopping at the first denial. An allowed request goes on
 * with the rate-limit headers set; a denied one gets {@code 429} with {@code Retry-After}
 * and an {@code application/problem+json} body, and never reaches the handler.
 */
public final class RateLimitInterceptor implements HandlerInterceptor {

	private static final ExpressionParser parser = new SpelExpressionParser();

	private static final String DEFAULT_KEY = "clientIp";

	private final RateLimiter limiter;

	private final List<RateLimitRule> rules;

	private final boolean legacyHeaders;

	/**
	 * The IPv6 prefix a client stands for, unless told otherwise: what a provider usually
	 * hands one client.
	 */
	public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

	private final int ipv6PrefixLength;

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	/**
	 * Shared by every request: it holds no per-request state, the root object is passed
	 * with each evaluation.
	 */
	private final StandardEvaluationContext evaluation = new StandardEvaluationContext();

	private final JsonMapper problems;

	private final Map<Method, List<RateLimitRule.Check>> annotated = new ConcurrentHashMap<>();

	/** Whether a rule or a validated handler keys a limit by the client's address. */
	private volatile boolean keyedByClientIp;

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
		if (ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
			throw new IllegalArgumentException("'ipv6PrefixLength' must be from 1 to 128, got " + ipv6PrefixLength);
		}
		this.ipv6PrefixLength = ipv6PrefixLength;
		// The mixin writes the problem's own properties (limit, retryAfter) beside the
		// standard ones, as Spring MVC does.
		this.problems = mapper.rebuild().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
		this.limiter = limiter;
		this.rules = List.copyOf(rules);
		this.legacyHeaders = legacyHeaders;
		if (beanFactory != null) {
			this.evaluation.setBeanResolver(new BeanFactoryResolver(beanFactory));
		}
		for (RateLimitRule rule : rules) {
			limiter.limits().get(rule.check().limit());
			expression(rule.check().key());
			if (rule.check().key().contains(DEFAULT_KEY)) {
				this.keyedByClientIp = true;
			}
		}
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		// An error page or an async re-dispatch belongs to a request that was already
		// checked: never count it twice.
		if (request.getDispatcherType() != DispatcherType.REQUEST) {
			return true;
		}
		List<RateLimitRule.Check> checks = checks(request, handler);
		if (checks.isEmpty()) {
			return true;
		}
		RateLimitKeyContext context = new RateLimitKeyContext(request, this.ipv6PrefixLength);
		List<Applied> applied = new ArrayList<>(checks.size());
		for (RateLimitRule.Check check : checks) {
			String key = key(check.key(), context);
			if (key == null || key.isBlank()) {
				continue;
			}
			Decision decision = this.limiter.tryAcquire(check.limit(), key, check.cost());
			applied.add(new Applied(this.limiter.limits().get(check.limit()), decision));
			if (!decision.allowed()) {
				writeHeaders(response, applied);
				deny(request, response, check.limit(), decision);
				return false;
			}
		}
		if (!applied.isEmpty()) {
			writeHeaders(response, applied);
		}
		return true;
	}

	/**
	 * The checks of this request: matching rules first, then the handler's annotations.
	 */
	private List<RateLimitRule.Check> checks(HttpServletRequest request, Object handler) {
		List<RateLimitRule.Check> checks = new ArrayList<>();
		if (!this.rules.isEmpty()) {
			PathContainer path = ServletRequestPathUtils.hasParsedRequestPath(request)
					? ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication()
					: ServletRequestPathUtils.parseAndCache(request).pathWithinApplication();
			for (RateLimitRule rule : this.rules) {
				if (rule.matches(request, path)) {
					checks.add(rule.check());
				}
			}
		}
		if (handler instanceof HandlerMethod method) {
			checks.addAll(this.annotated.computeIfAbsent(method.getMethod(), (m) -> annotatedChecks(method)));
		}
		return checks;
	}

	/**
	 * The {@link RateLimited} checks of a handler method: its class's first, then its
	 * own.
	 */
	static List<RateLimitRule.Check> annotatedChecks(HandlerMethod method) {
		List<RateLimitRule.Check> checks = new ArrayList<>();
		for (RateLimited annotation : AnnotatedElementUtils.findMergedRepeatableAnnotations(method.getBeanType(),
				RateLimited.class)) {
			checks.add(new RateLimitRule.Check(annotation.limit(), annotation.key(), annotation.cost()));
		}
		for (RateLimited annotation : AnnotatedElementUtils.findMergedRepeatableAnnotations(method.getMethod(),
				RateLimited.class)) {
			checks.add(new RateLimitRule.Check(annotation.limit(), annotation.key(), annotation.cost()));
		}
		return checks;
	}

	/**
	 * Checks the {@link RateLimited} annotations of a handler: known limits, valid key
	 * expressions, costs that can be allowed.
	 * @throws InvalidRateLimitedException naming the handler and what is wrong
	 */
	public void validate(HandlerMethod method, RateLimiter limiter) {
		for (RateLimitRule.Check check : annotatedChecks(method)) {
			if (check.key().contains(DEFAULT_KEY)) {
				this.keyedByClientIp = true;
			}
			try {
				limiter.limits().checkCost(check.limit(), check.cost());
				expression(check.key());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidRateLimitedException(
						"@RateLimited(limit = \"" + check.limit() + "\", key = \"" + check.key() + "\") on " + method,
						String.valueOf(ex.getMessage()), ex);
			}
		}
	}

	/** Whether a rule or a handler validated so far keys a limit by {@code clientIp}. */
	public boolean isKeyedByClientIp() {
		return this.keyedByClientIp;
	}

	private @Nullable String key(String expression, RateLimitKeyContext context) {
		if (DEFAULT_KEY.equals(expression)) {
			return context.getClientIp();
		}
		Object value = expression(expression).getValue(this.evaluation, context);
		return (value != null) ? value.toString() : null;
	}

	/**
	 * Parses a key expression once.
	 * @throws IllegalArgumentException naming the expression when it is not valid SpEL
	 */
	Expression expression(String text) {
		return this.expressions.computeIfAbsent(text, (t) -> {
			try {
				return parser.parseExpression(t);
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("rate-limit key expression '" + t + "' is not valid SpEL ("
						+ ex.getMessage() + "); use clientIp, principal, header('X-Api-Key'), pathVariable('id') or an"
						+ " expression on request", ex);
			}
		});
	}

	private void writeHeaders(HttpServletResponse response, List<Applied> applied) {
		response.setHeader(RateLimitHeaders.POLICY, RateLimitHeaders.policy(applied));
		response.setHeader(RateLimitHeaders.RATE_LIMIT, RateLimitHeaders.rateLimit(applied));
		if (this.legacyHeaders) {
			Decision tightest = applied.stream()
				.map(Applied::decision)
				.min(Comparator.comparing(Decision::allowed).thenComparingLong(Decision::remaining))
				.orElseThrow();
			response.setHeader("X-RateLimit-Limit", Long.toString(tightest.limit()));
			response.setHeader("X-RateLimit-Remaining", Long.toString(tightest.remaining()));
			response.setHeader("X-RateLimit-Reset",
					Long.toString(RateLimitHeaders.wholeSeconds(tightest.resetAfter())));
		}
	}

	private void deny(HttpServletRequest request, HttpServletResponse response, String limit, Decision decision)
			throws IOException {
		long retryAfter = RateLimitHeaders.wholeSeconds(decision.retryAfter());
		String detail = (decision.source() == Decision.Source.FAIL_CLOSED) ? "Rate limit '" + limit
				+ "' cannot be checked while Redis is away and fails closed; retry after " + retryAfter + " s"
				: "Rate limit '" + limit + "' exceeded; retry after " + retryAfter + " s";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, detail);
		problem.setInstance(instance(request));
		problem.setProperty("limit", limit);
		problem.setProperty("retryAfter", retryAfter);
		response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		response.setHeader(RateLimitHeaders.RETRY_AFTER, Long.toString(retryAfter));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write(this.problems.writeValueAsString(problem));
	}

	/**
	 * The request's path as the problem's instance, or none when it is not a URI
	 * reference (it then says nothing).
	 */
	private static @Nullable URI instance(HttpServletRequest request) {
		try {
			return new URI(request.getRequestURI());
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

}
