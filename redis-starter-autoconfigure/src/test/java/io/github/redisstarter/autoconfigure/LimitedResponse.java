package io.github.redisstarter.autoconfigure;

import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response of a limited request, whichever web stack answered it, and what both stacks
 * must say in it: the same headers and the same {@code 429} problem, asserted in one
 * place (RateLimitWebTests on Tomcat, RateLimitWebFluxTests on Netty).
 */
record LimitedResponse(int status, Function<String, Optional<String>> headers, String body) {

	static LimitedResponse of(HttpResponse<String> response) {
		return new LimitedResponse(response.statusCode(), (name) -> response.headers().firstValue(name),
				response.body());
	}

	static LimitedResponse of(EntityExchangeResult<String> result) {
		String body = result.getResponseBody();
		return new LimitedResponse(result.getStatus().value(),
				(name) -> Optional.ofNullable(result.getResponseHeaders().getFirst(name)), (body != null) ? body : "");
	}

	Optional<String> header(String name) {
		return this.headers.apply(name);
	}

	/**
	 * Allowed, with the policies advertised and the state matching {@code rateLimit} (a
	 * regular expression, as {@code t} may have moved by a second on a slow machine).
	 */
	LimitedResponse assertAllowed(String policy, String rateLimit) {
		assertThat(this.status).isEqualTo(200);
		assertThat(header("RateLimit-Policy")).hasValue(policy);
		assertThat(header("RateLimit").orElseThrow()).matches(rateLimit);
		assertThat(header("Retry-After")).isEmpty();
		return this;
	}

	/**
	 * Denied by {@code limit}: 429, {@code Retry-After} one of {@code retryAfter}, the
	 * state matching {@code rateLimit}, and an {@code application/problem+json} body
	 * naming the limit, the request's path and the same retry time.
	 */
	LimitedResponse assertDenied(String limit, String instance, String rateLimit, String... retryAfter) {
		assertThat(this.status).isEqualTo(429);
		String seconds = header("Retry-After").orElseThrow();
		assertThat(seconds).isIn((Object[]) retryAfter);
		assertThat(header("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(header("RateLimit").orElseThrow()).matches(rateLimit);
		assertThat(this.body).contains("\"status\":429")
			.contains("\"title\":\"Too Many Requests\"")
			.contains("\"instance\":\"" + instance + "\"")
			.contains("\"limit\":\"" + limit + "\"")
			.contains("\"retryAfter\":" + seconds);
		return this;
	}

}
