package io.github.redisstarter.ratelimit.web;

import java.net.InetSocketAddress;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a key expression sees in a WebFlux app: the same keys as
 * {@link RateLimitKeyContext} in Spring MVC, with {@code request} the reactive request
 * and {@code exchange} the exchange. {@code clientIp} is the remote address the server
 * reports; with {@code server.forward-headers-strategy} set, WebFlux takes it from the
 * left-most {@code X-Forwarded-For} address, which the client writes (the starter warns
 * at startup). The principal is resolved before the keys are evaluated, so reading it
 * never blocks.
 */
public final class ReactiveRateLimitKeyContext implements RateLimitKeyRoot {

	private final ServerWebExchange exchange;

	private final @Nullable String principal;

	private final int ipv6PrefixLength;

	private final Map<String, String> ruleVariables;

	ReactiveRateLimitKeyContext(ServerWebExchange exchange, @Nullable String principal, int ipv6PrefixLength,
			Map<String, String> ruleVariables) {
		this.exchange = exchange;
		this.principal = principal;
		this.ipv6PrefixLength = ipv6PrefixLength;
		this.ruleVariables = ruleVariables;
	}

	public ServerHttpRequest getRequest() {
		return this.exchange.getRequest();
	}

	public ServerWebExchange getExchange() {
		return this.exchange;
	}

	/**
	 * The client's address as the server reports it; for IPv6, its network prefix, such
	 * as {@code 2001:db8:1:2:0:0:0:0/64}. Never looked up in DNS.
	 */
	@Override
	public @Nullable String getClientIp() {
		InetSocketAddress remote = this.exchange.getRequest().getRemoteAddress();
		if (remote == null) {
			return null;
		}
		String address = (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString();
		return ClientAddresses.key(address, this.ipv6PrefixLength);
	}

	/** The authenticated user's name, or {@code null} for an anonymous request. */
	public @Nullable String getPrincipal() {
		return this.principal;
	}

	/** A request header, or {@code null} when absent. */
	public @Nullable String header(String name) {
		return this.exchange.getRequest().getHeaders().getFirst(name);
	}

	/**
	 * A URI template variable of the matched controller method, such as {@code id} of
	 * {@code /orders/{id}}; for a functional route, where the filter runs before the
	 * route is picked, a variable of the matching path rule's pattern
	 * ({@code /items/{id}}).
	 */
	public @Nullable String pathVariable(String name) {
		Object variables = this.exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		if (variables instanceof Map<?, ?> map && map.get(name) != null) {
			return map.get(name).toString();
		}
		return this.ruleVariables.get(name);
	}

}
