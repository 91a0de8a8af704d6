package io.github.redisstarter.ratelimit.web;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimitHeaders.Applied;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;

/**
 * The rules both web stacks apply, with no servlet or reactive type in sight: which
 * checks a request gets (path rules first, then the handler's {@link RateLimited}
 * annotations), their keys, the checks themselves (stopping at the first denial), the
 * response headers and the {@code 429} problem body. {@link RateLimitInterceptor} (Spring
 * MVC) and {@link RateLimitWebFilter} (WebFlux) only read the request and write the
 * response.
 */
final class RequestLimits {

	private static final ExpressionParser parser = new SpelExpressionParser();

	static final String DEFAULT_KEY = "clientIp";

	private final RateLimiter limiter;

	private final List<RateLimitRule> rules;

	private final boolean legacyHeaders;

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

	private final boolean rulesReadPathVariables;

	/** Whether a validated handler carries {@link RateLimited}. */
	private volatile boolean anyAnnotated;

	RequestLimits(RateLimiter limiter, List<RateLimitRule> rules, boolean legacyHeaders, int ipv6PrefixLength,
			JsonMapper mapper, @Nullable BeanFactory beanFactory) {
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
		this.rulesReadPathVariables = rules.stream().anyMatch((rule) -> rule.check().key().contains("pathVariable"));
		for (RateLimitRule rule : rules) {
			limiter.limits().get(rule.check().limit());
			expression(rule.check().key());
			if (rule.check().key().contains(DEFAULT_KEY)) {
				this.keyedByClientIp = true;
			}
		}
	}

	int ipv6PrefixLength() {
		return this.ipv6PrefixLength;
	}

	boolean hasRules() {
		return !this.rules.isEmpty();
	}

	/**
	 * Whether a rule's key reads a path variable, which only the handler look-up sets.
	 */
	boolean rulesReadPathVariables() {
		return this.rulesReadPathVariables;
	}

	/** Whether a handler validated so far carries {@link RateLimited}. */
	boolean anyAnnotated() {
		return this.anyAnnotated;
	}

	/**
	 * The checks of a request: matching rules first, then the handler's annotations.
	 * @param path the request's path within the application, when a rule may need it
	 */
	List<RateLimitRule.Check> checks(String method, @Nullable PathContainer path, @Nullable Object handler) {
		List<RateLimitRule.Check> checks = new ArrayList<>();
		if (path != null) {
			for (RateLimitRule rule : this.rules) {
				if (rule.matches(method, path)) {
					checks.add(rule.check());
				}
			}
		}
		if (handler instanceof HandlerMethod handlerMethod) {
			checks.addAll(
					this.annotated.computeIfAbsent(handlerMethod.getMethod(), (m) -> annotatedChecks(handlerMethod)));
		}
		return checks;
	}

	/**
	 * The URI variables the matching rules capture (the first rule's where two capture
	 * one name), such as {@code id} of {@code /items/{id}}: what {@code pathVariable(..)}
	 * reads where no handler's variables are known yet (a WebFlux filter, before the
	 * functional route is picked).
	 */
	Map<String, String> ruleVariables(String method, PathContainer path) {
		// Every matching rule's: a rule's key may read a variable only a later, more
		// specific rule captures (/api/{tenant}/** before /api/{tenant}/items/{id}).
		Map<String, String> all = new java.util.LinkedHashMap<>();
		for (RateLimitRule rule : this.rules) {
			rule.variables(method, path).forEach(all::putIfAbsent);
		}
		return all.isEmpty() ? Collections.emptyMap() : all;
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
	void validate(HandlerMethod method, RateLimiter limiter) {
		for (RateLimitRule.Check check : annotatedChecks(method)) {
			this.anyAnnotated = true;
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

	boolean isKeyedByClientIp() {
		return this.keyedByClientIp;
	}

	/** Runs the checks in order, blocking on each, up to the first denial. */
	Outcome check(List<RateLimitRule.Check> checks, RateLimitKeyRoot context) {
		List<Applied> applied = new ArrayList<>(checks.size());
		for (RateLimitRule.Check check : checks) {
			String key = key(check.key(), context);
			if (key == null || key.isBlank()) {
				continue;
			}
			Decision decision = this.limiter.tryAcquire(check.limit(), key, check.cost());
			applied.add(new Applied(this.limiter.limits().get(check.limit()), decision));
			if (!decision.allowed()) {
				return new Outcome(applied, check.limit());
			}
		}
		return new Outcome(applied, null);
	}

	/**
	 * {@link #check} without blocking: each check through
	 * {@link RateLimiter#tryAcquireAsync}, the next one once the previous one allowed. A
	 * key expression runs on the thread that asks (it should not block either).
	 */
	CompletionStage<Outcome> checkAsync(List<RateLimitRule.Check> checks, RateLimitKeyRoot context) {
		return next(checks, 0, context, new ArrayList<>(checks.size()));
	}

	private CompletionStage<Outcome> next(List<RateLimitRule.Check> checks, int index, RateLimitKeyRoot context,
			List<Applied> applied) {
		for (int i = index; i < checks.size(); i++) {
			RateLimitRule.Check check = checks.get(i);
			String key;
			try {
				key = key(check.key(), context);
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			if (key == null || key.isBlank()) {
				continue;
			}
			int following = i + 1;
			CompletionStage<Decision> decision;
			try {
				decision = this.limiter.tryAcquireAsync(check.limit(), key, check.cost());
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return decision.thenCompose((d) -> {
				applied.add(new Applied(this.limiter.limits().get(check.limit()), d));
				return d.allowed() ? next(checks, following, context, applied)
						: CompletableFuture.completedFuture(new Outcome(applied, check.limit()));
			});
		}
		return CompletableFuture.completedFuture(new Outcome(applied, null));
	}

	private @Nullable String key(String expression, RateLimitKeyRoot context) {
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

	/**
	 * The headers of a limited response, in order: the policies, the state, the legacy
	 * trio when asked for, and {@code Retry-After} on a denial. Empty when no check
	 * applied.
	 */
	Map<String, String> headers(Outcome outcome) {
		List<Applied> applied = outcome.applied();
		if (applied.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(RateLimitHeaders.POLICY, RateLimitHeaders.policy(applied));
		headers.put(RateLimitHeaders.RATE_LIMIT, RateLimitHeaders.rateLimit(applied));
		if (this.legacyHeaders) {
			Decision tightest = applied.stream()
				.map(Applied::decision)
				.min(Comparator.comparing(Decision::allowed).thenComparingLong(Decision::remaining))
				.orElseThrow();
			headers.put("X-RateLimit-Limit", Long.toString(tightest.limit()));
			headers.put("X-RateLimit-Remaining", Long.toString(tightest.remaining()));
			headers.put("X-RateLimit-Reset", Long.toString(RateLimitHeaders.wholeSeconds(tightest.resetAfter())));
		}
		if (outcome.denied()) {
			headers.put(RateLimitHeaders.RETRY_AFTER, Long.toString(outcome.retryAfterSeconds()));
		}
		return headers;
	}

	/**
	 * The {@code application/problem+json} body of a denial, written by the app's JSON
	 * mapper.
	 * @param requestPath the request's path, the problem's instance (left out when it is
	 * not a URI reference)
	 */
	String problem(Outcome outcome, String requestPath) {
		String limit = outcome.deniedBy();
		Decision decision = outcome.applied().get(outcome.applied().size() - 1).decision();
		long retryAfter = outcome.retryAfterSeconds();
		String detail = (decision.source() == Decision.Source.FAIL_CLOSED) ? "Rate limit '" + limit
				+ "' cannot be checked while Redis is away and fails closed; retry after " + retryAfter + " s"
				: "Rate limit '" + limit + "' exceeded; retry after " + retryAfter + " s";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, detail);
		problem.setInstance(instance(requestPath));
		problem.setProperty("limit", limit);
		problem.setProperty("retryAfter", retryAfter);
		return this.problems.writeValueAsString(problem);
	}

	private static @Nullable URI instance(String path) {
		try {
			return new URI(path);
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/**
	 * The checks that applied to a request, and the limit that denied it, if one did (its
	 * decision is the last applied).
	 */
	record Outcome(List<Applied> applied, @Nullable String deniedBy) {

		boolean denied() {
			return this.deniedBy != null;
		}

		long retryAfterSeconds() {
			return RateLimitHeaders.wholeSeconds(this.applied.get(this.applied.size() - 1).decision().retryAfter());
		}

	}

}
