package io.github.redisstarter.connection.internal;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Where a capability's Redis side takes the asynchronous Lettuce commands it sends
 * (standalone or cluster), asked on each call so that the connection may be made lazily:
 * {@link SharedRedisCommands} in an app, a test's own connection
 * ({@code connection::async}) elsewhere. The one place a Lettuce type meets a
 * capability's constructor.
 */
@FunctionalInterface
public interface RedisCommandSource {

	RedisClusterAsyncCommands<byte[], byte[]> get();

}
