package io.github.redisstarter.connection.internal;

import java.time.Clock;

import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisEndpoint;

/**
 * A plain Lettuce client and byte-array connection to a harness server, for tests of the
 * core without Spring: register it on a static field; it connects on first use and closes
 * after the last test.
 */
public final class LettuceTestConnection implements AfterAllCallback {

	private final RedisServerExtension redis;

	private @Nullable RedisClient client;

	private @Nullable StatefulRedisConnection<byte[], byte[]> connection;

	public LettuceTestConnection(RedisServerExtension redis) {
		this.redis = redis;
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (this.client != null) {
			this.connection.close();
			this.client.shutdown();
			this.client = null;
		}
	}

	public RedisClusterAsyncCommands<byte[], byte[]> async() {
		connect();
		return this.connection.async();
	}

	public RedisClient client() {
		connect();
		return this.client;
	}

	private synchronized void connect() {
		if (this.client == null) {
			RedisClient created = RedisClient.create(RedisURI.create(this.redis.server().url()));
			try {
				this.connection = created.connect(ByteArrayCodec.INSTANCE);
			}
			catch (RuntimeException ex) {
				created.shutdown();
				throw ex;
			}
			this.client = created;
		}
	}

	/**
	 * Takes {@code state} back to Redis as the monitor's probes would: PINGs that succeed
	 * until the way back's wait (200 ms unless repeated trips doubled it) is over.
	 */
	/**
	 * Reports a failure as a capability's failed Redis call would: in {@code auto}, the
	 * state switches to the twins.
	 */
	public static void loseRedis(BackendState state, Throwable failure) {
		DefaultBackendState.of(state).reportFailure(failure);
	}

	public static void returnToRedis(BackendState state) {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
		while (!state.usesRedis() && System.nanoTime() < deadline) {
			DefaultBackendState.of(state).recordPingSuccess(java.time.Duration.ofMillis(1));
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** The backend state of an app instance that uses this server and is on Redis now. */
	public DefaultBackendState onRedis() {
		return new DefaultBackendState(BackendSelection.AUTO,
				new RedisEndpoint("127.0.0.1:" + this.redis.server().port(), false, null, 0), BackendMode.REDIS, "test",
				Secrets.none(), Clock.systemUTC(), Runnable::run);
	}

}
