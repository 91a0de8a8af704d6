package io.github.redisstarter.connection.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The asynchronous Lettuce commands the starter's capabilities share (standalone or
 * cluster), taken once the factory connects and kept: Lettuce reconnects by itself. While
 * Redis cannot be reached the factory's exception reaches the caller, who treats it as an
 * outage. Capabilities that need one round trip per call (a script, a GET) use it instead
 * of a template, which would wrap every call in a new connection object.
 *
 * <p>
 * With the factory's shared native connection (Boot's default), these are its commands.
 * With sharing turned off, the starter opens one connection of its own from the factory's
 * client, rather than hold one of the app's pooled connections for good, and closes it
 * with {@link #close()}.
 */
public final class SharedRedisCommands implements RedisCommandSource, AutoCloseable {

	private final LettuceConnectionFactory factory;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

	/** The starter's own connection, when the factory shares none. */
	private @Nullable StatefulConnection<byte[], byte[]> own;

	private volatile boolean closed;

	public SharedRedisCommands(LettuceConnectionFactory factory) {
		this.factory = factory;
	}

	@Override
	public RedisClusterAsyncCommands<byte[], byte[]> get() {
		RedisClusterAsyncCommands<byte[], byte[]> current = this.commands;
		if (current == null) {
			synchronized (this) {
				current = this.commands;
				if (current == null) {
					if (this.closed) {
						throw new IllegalStateException(
								"The starter's Redis connection is closed (the app is stopping)");
					}
					current = this.factory.getShareNativeConnection() ? shared() : own();
					this.commands = current;
				}
			}
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private RedisClusterAsyncCommands<byte[], byte[]> shared() {
		// The wrapper holds no connection of its own when the native one is shared:
		// closing it leaves that one open.
		try (LettuceConnection connection = (LettuceConnection) this.factory.getConnection()) {
			return connection.getNativeConnection();
		}
	}

	private RedisClusterAsyncCommands<byte[], byte[]> own() {
		AbstractRedisClient client = this.factory.getRequiredNativeClient();
		if (client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
			this.own = connection;
			return connection.async();
		}
		StatefulRedisConnection<byte[], byte[]> connection = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
		this.own = connection;
		return connection.async();
	}

	/** Closes the starter's own connection, if it opened one. */
	@Override
	public synchronized void close() {
		this.closed = true;
		this.commands = null;
		if (this.own != null) {
			this.own.close();
			this.own = null;
		}
	}

}
