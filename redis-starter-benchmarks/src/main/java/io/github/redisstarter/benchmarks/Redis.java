package io.github.redisstarter.benchmarks;

import java.time.Clock;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.internal.Secrets;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.github.redisstarter.connection.internal.DefaultBackendState;

/**
 * Where the benchmarks' Redis is: the system property {@value #URL_PROPERTY}, set by
 * {@link BenchmarkRunner}.
 */
final class Redis {

	static final String URL_PROPERTY = "bench.redis.url";

	private Redis() {
	}

	static String url() {
		String url = System.getProperty(URL_PROPERTY);
		if (url == null || url.isBlank()) {
			throw new IllegalStateException("Set -D" + URL_PROPERTY + "=redis://host:port (BenchmarkRunner does)");
		}
		return url;
	}

	static RedisClient client() {
		return RedisClient.create(RedisURI.create(url()));
	}

	/** The backend state of an app instance on Redis. */
	static BackendState onRedis() {
		RedisURI uri = RedisURI.create(url());
		return new DefaultBackendState(BackendSelection.AUTO,
				new RedisEndpoint(uri.getHost() + ":" + uri.getPort(), false, null, 0), BackendMode.REDIS, "benchmark",
				Secrets.none(), Clock.systemUTC(), Runnable::run);
	}

}
