package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.ratelimit.web.InvalidRateLimitedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@code @RateLimited} handler that names an unknown limit, an invalid key or
 * an impossible cost.
 */
class InvalidRateLimitedFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRateLimitedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRateLimitedException cause) {
		return new FailureAnalysis(cause.getAnnotation() + " is invalid: " + cause.getProblem() + ".",
				"Name a limit defined under redis-starter.rate-limit.limits.<name>.bands (or by a RateLimit bean), a key"
						+ " expression such as clientIp, principal, header('X-Api-Key') or pathVariable('id'), and a cost"
						+ " from 1 to the permits of the limit's smallest band.",
				cause);
	}

}
