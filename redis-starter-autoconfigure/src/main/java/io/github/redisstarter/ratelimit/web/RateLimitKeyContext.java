package io.github.redisstarter.ratelimit.web;

import java.security.Principal;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.HandlerMapping;

/**
 * What a key expression sees: the request and the usual keys. {@code clientIp} is the
 * address Boot's forwarded-header support resolved: {@code X-Forwarded-For} counts only
 * when the app trusts its proxies ({@code server.forward-headers-strategy}), so a client
 * cannot pick its own key by sending the header. An IPv6 client stands for its /64
 * (configurable), as one client usually holds a whole /64.
 */
public final class RateLimitKeyContext implements RateLimitKeyRoot {

	private final HttpServletRequest request;

	private final int ipv6PrefixLength;

	RateLimitKeyContext(HttpServletRequest request, int ipv6PrefixLength) {
		this.request = request;
		this.ipv6PrefixLength = ipv6PrefixLength;
	}

	public HttpServletRequest getRequest() {
		return this.request;
	}

	/**
	 * The client's address as the servlet container (and Boot's forwarded-header
	 * handling) reports it; for IPv6, its network prefix, such as
	 * {@code 2001:db8:1:2:0:0:0:0/64}.
	 */
	@Override
	public String getClientIp() {
		return ClientAddresses.key(this.request.getRemoteAddr(), this.ipv6PrefixLength);
	}

	/** The authenticated user's name, or {@code null} for an anonymous request. */
	public @Nullable String getPrincipal() {
		Principal principal = this.request.getUserPrincipal();
		return (principal != null) ? principal.getName() : null;
	}

	/** A request header, or {@code null} when absent. */
	public @Nullable String header(String name) {
		return this.request.getHeader(name);
	}

	/**
	 * A URI template variable of the matched handler, such as {@code id} of
	 * {@code /orders/{id}}.
	 */
	public @Nullable String pathVariable(String name) {
		Object variables = this.request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return (variables instanceof Map<?, ?> map && map.get(name) != null) ? map.get(name).toString() : null;
	}

}
