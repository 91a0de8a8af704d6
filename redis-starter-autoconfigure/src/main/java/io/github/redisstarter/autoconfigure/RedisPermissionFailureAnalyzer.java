package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.connection.RedisPermissionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup stopped by {@code redis-starter.required=true} because the app's
 * Redis user lacks a permission.
 */
class RedisPermissionFailureAnalyzer extends AbstractFailureAnalyzer<RedisPermissionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisPermissionException cause) {
		return new FailureAnalysis(
				"Redis" + ((cause.getEndpoint() != null) ? " at " + cause.getEndpoint() : "") + " refused the app's "
						+ "user what the starter needs: " + String.join(" ", cause.getMissing())
						+ ".\n\nredis-starter.required=true, so the app does not start without it.",
				"Run " + cause.getFix() + " on Redis (the whole line the starter needs is in the message: "
						+ cause.getMessage().substring("NOPERM ".length()) + "), or set redis-starter.required=false "
						+ "to start on the in-memory twins and take Redis up when the user has it.",
				cause);
	}

}
