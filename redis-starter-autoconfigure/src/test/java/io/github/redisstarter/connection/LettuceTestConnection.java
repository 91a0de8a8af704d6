package io.github.redisstarter.connection;

import io.github.redisstarter.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;

/** A plain Lettuce client and byte-array connection to a harness server, for tests of the core without Spring. */
public final class LettuceTestConnection implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private LettuceTestConnection(RedisServer server) {
		this.client = RedisClient.create(RedisURI.create(server.url()));
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
	}

	public static LettuceTestConnection open(RedisServer server) {
		return new LettuceTestConnection(server);
	}

	public RedisClusterAsyncCommands<byte[], byte[]> async() {
		return this.connection.async();
	}

	public RedisClient client() {
		return this.client;
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
