package io.github.redisstarter.ratelimit.web;

import java.security.Principal;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.HandlerMapping;

/**
 * What a key expression sees: the request and the usual keys. {@code clientIp} is the address Boot's forwarded-header
 * support resolved: {@code X-Forwarded-For} counts only when the app trusts its proxies
 * ({@code server.forward-headers-strategy}), so a client cannot pick its own key by sending the header.
 */
public final class RateLimitKeyContext {

	private final HttpServletRequest request;

	RateLimitKeyContext(HttpServletRequest request) {
		this.request = request;
	}

	public HttpServletRequest getRequest() {
		return this.request;
	}

	/** The client's address as the servlet container (and Boot's forwarded-header handling) reports it. */
	public String getClientIp() {
		return this.request.getRemoteAddr();
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

	/** A URI template variable of the matched handler, such as {@code id} of {@code /orders/{id}}. */
	public @Nullable String pathVariable(String name) {
		Object variables = this.request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return (variables instanceof Map<?, ?> map && map.get(name) != null) ? map.get(name).toString() : null;
	}

}
