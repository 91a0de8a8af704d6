package io.github.redisstarter.connection;

import java.util.function.Supplier;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The asynchronous Lettuce commands of the connection Boot's {@link LettuceConnectionFactory} shares (standalone or
 * cluster), taken once it connects and kept: Lettuce reconnects it by itself. While Redis cannot be reached the
 * factory's exception reaches the caller, who treats it as an outage. Capabilities that need one round trip per call
 * (a script, a GET) use it instead of a template, which would wrap every call in a new connection object.
 */
public final class SharedRedisCommands implements Supplier<RedisClusterAsyncCommands<byte[], byte[]>> {

	private final LettuceConnectionFactory factory;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

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
					// Not closed on purpose: with the factory's shared connection (the default) closing it would do
					// nothing; with sharing turned off, it is the one dedicated connection kept for these calls.
					LettuceConnection connection = (LettuceConnection) this.factory.getConnection();
					current = connection.getNativeConnection();
					this.commands = current;
				}
			}
		}
		return current;
	}

}
