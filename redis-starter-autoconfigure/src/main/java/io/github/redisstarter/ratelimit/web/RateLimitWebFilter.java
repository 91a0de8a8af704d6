package io.github.redisstarter.ratelimit.web;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.redisstarter.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@link RateLimitInterceptor} for WebFlux: the same path rules, {@link RateLimited}
 * annotations on annotated controllers, keys, headers and {@code 429} problem body, with
 * every check made through {@link RateLimiter#tryAcquireAsync} so that no event-loop
 * thread waits for Redis.
 *
 * <p>
 * A filter runs before WebFlux picks the handler, so to read a handler's annotations (and
 * {@code pathVariable(..)} keys) it asks the app's handler mappings, which
 * {@link #useHandlerMappings} hands it, for the handler first: a second look-up of the
 * controller method, made only once some handler carries {@link RateLimited}. Path rules
 * need no look-up, so they limit functional routes ({@code RouterFunction}) as well as
 * controllers; a rule's {@code pathVariable(..)} key reads the controller method's
 * variables, or else the rule's own pattern's ({@code /items/{id}}). When a check answers
 * later than at once (a Redis round trip), the rest of the request continues on Reactor's
 * parallel scheduler rather than on the Redis client's thread.
 */
public final class RateLimitWebFilter implements WebFilter, Ordered {

	/**
	 * After Spring Security's filters (-100), so that a {@code principal} key sees the
	 * signed-in user; before the app's own filters of default order.
	 */
	public static final int ORDER = 0;

	private final RequestLimits limits;

	private volatile List<HandlerMapping> mappings = List.of();

	/**
	 * @param ipv6PrefixLength how many leading bits of an IPv6 client address make its
	 * {@code clientIp} key (128: the whole address)
	 * @param mapper writes the problem body of a 429: the app's, so that its settings
	 * apply
	 */
	public RateLimitWebFilter(RateLimiter limiter, List<RateLimitRule> rules, boolean legacyHeaders,
			int ipv6PrefixLength, JsonMapper mapper, @Nullable BeanFactory beanFactory) {
		this.limits = new RequestLimits(limiter, rules, legacyHeaders, ipv6PrefixLength, mapper, beanFactory);
	}

	/**
	 * Checks the {@link RateLimited} handlers of the annotated-controller mappings among
	 * {@code mappings} (known limits, valid keys, costs that can be allowed), and keeps
	 * the mappings to find each request's handler.
	 * @param mappings the app's handler mappings, in the order WebFlux asks them
	 * ({@code DispatcherHandler#getHandlerMappings()})
	 * @throws InvalidRateLimitedException naming the handler and what is wrong
	 */
	public void useHandlerMappings(List<HandlerMapping> mappings, RateLimiter limiter) {
		for (HandlerMapping mapping : mappings) {
			if (mapping instanceof RequestMappingInfoHandlerMapping annotated) {
				annotated.getHandlerMethods().values().forEach((method) -> this.limits.validate(method, limiter));
			}
		}
		this.mappings = mappings.stream()
			.filter((mapping) -> mapping instanceof RequestMappingInfoHandlerMapping)
			.toList();
	}

	/** Whether a rule or a handler validated so far keys a limit by {@code clientIp}. */
	public boolean isKeyedByClientIp() {
		return this.limits.isKeyedByClientIp();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.limits.anyAnnotated()) {
			return filter(exchange, chain, null);
		}
		return handler(exchange).map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((handler) -> filter(exchange, chain, handler.orElse(null)));
	}

	private Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain, @Nullable Object handler) {
		PathContainer path = this.limits.hasRules() ? exchange.getRequest().getPath().pathWithinApplication() : null;
		List<RateLimitRule.Check> checks = this.limits.checks(exchange.getRequest().getMethod().name(), path, handler);
		if (checks.isEmpty()) {
			return chain.filter(exchange);
		}
		return exchange.getPrincipal()
			.map(Principal::getName)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> {
				CompletableFuture<RequestLimits.Outcome> checked = this.limits.checkAsync(checks,
						new ReactiveRateLimitKeyContext(exchange, principal.orElse(null),
								this.limits.ipv6PrefixLength(),
								(path != null && this.limits.rulesReadPathVariables())
										? this.limits.ruleVariables(exchange.getRequest().getMethod().name(), path)
										: Map.of()))
					.toCompletableFuture();
				Mono<RequestLimits.Outcome> outcome = Mono.fromCompletionStage(checked);
				if (!checked.isDone()) {
					// To be answered on the Redis client's thread: not where the app's
					// handler should run.
					outcome = outcome.publishOn(Schedulers.parallel());
				}
				return outcome.flatMap((o) -> respond(exchange, chain, o));
			});
	}

	/**
	 * The controller method WebFlux will pick, if any: only the annotated-controller
	 * mappings are asked (a functional route's mapping is not: matching it twice is not
	 * harmless), and one that fails here is skipped (the dispatch reports it).
	 */
	private Mono<Object> handler(ServerWebExchange exchange) {
		return Flux.fromIterable(this.mappings)
			.concatMap((mapping) -> mapping.getHandler(exchange).onErrorResume((ex) -> Mono.empty()))
			.next()
			.filter((handler) -> handler instanceof HandlerMethod);
	}

	private Mono<Void> respond(ServerWebExchange exchange, WebFilterChain chain, RequestLimits.Outcome outcome) {
		ServerHttpResponse response = exchange.getResponse();
		this.limits.headers(outcome).forEach(response.getHeaders()::set);
		if (!outcome.denied()) {
			return chain.filter(exchange);
		}
		response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = this.limits.problem(outcome, exchange.getRequest().getPath().value())
			.getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

}
