package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.connection.RedisUnreachableException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a startup stopped by {@code redis-starter.required=true}. */
class RedisUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<RedisUnreachableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisUnreachableException cause) {
		if (cause.getEndpoint() == null) {
			return new FailureAnalysis("redis-starter.required=true, but no Redis is configured.",
					"Set REDIS_URL (or spring.data.redis.url / spring.data.redis.host), or set "
							+ "redis-starter.required=false to run on the in-memory twins.",
					cause);
		}
		return new FailureAnalysis(
				"Redis at " + cause.getEndpoint() + " did not answer the startup PING: " + cause.getCauseDescription()
						+ ".\n\nredis-starter.required=true, so the app does not start without it.",
				"Start Redis or correct its address and credentials (REDIS_URL or spring.data.redis.*), or set "
						+ "redis-starter.required=false to start on the in-memory twins and take Redis up when it "
						+ "answers.",
				cause);
	}

}
