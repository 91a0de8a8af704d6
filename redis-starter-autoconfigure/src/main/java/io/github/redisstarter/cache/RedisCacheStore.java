package io.github.redisstarter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.github.redisstarter.connection.RedisCalls;
import io.github.redisstarter.connection.RedisKeyEncoding;
import io.github.redisstarter.connection.RedisScript;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * The Redis side of one cache (L2). Keys are {@code <prefix>:{<cache>:<version>}:<id>} for entries and
 * {@code <prefix>:{<cache>:<version>}:#valid-after} for the instant before which no entry counts (ids are encoded by
 * {@link RedisKeyEncoding}, so no id is {@code #valid-after}). The hash tag puts a whole cache in one cluster slot, so
 * that each script sees an entry and the instant together.
 *
 * <p>
 * Every call is one script, with Redis' own clock, so that the rules hold across instances whatever their clocks:
 * an evicted entry leaves a tombstone, and a load that read before an eviction or a whole-cache invalidation is not
 * stored (see the scripts).
 */
final class RedisCacheStore {

	private static final RedisScript READ = RedisScript.load(RedisCacheStore.class, "read.lua");

	private static final RedisScript WRITE = RedisScript.load(RedisCacheStore.class, "write.lua");

	private static final RedisScript EVICT = RedisScript.load(RedisCacheStore.class, "evict.lua");

	private static final RedisScript INVALIDATE_ALL = RedisScript.load(RedisCacheStore.class, "invalidate-all.lua");

	private static final int SCAN_BATCH = 1000;

	private final String cache;

	private final Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands;

	private final Duration timeout;

	private final String entryPrefix;

	private final byte[] validAfterKey;

	private final byte[] channel;

	private final Duration tombstoneLife;

	RedisCacheStore(String prefix, String cache, String version, Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands,
			Duration timeout, Duration tombstoneLife) {
		this.cache = cache;
		this.commands = commands;
		this.timeout = timeout;
		this.entryPrefix = prefix + ":{" + cache + ":" + version + "}:";
		this.validAfterKey = bytes(this.entryPrefix + "#valid-after");
		this.channel = bytes(channelName(prefix, cache, version));
		this.tombstoneLife = tombstoneLife;
	}

	static String channelName(String prefix, String cache, String version) {
		return prefix + ":{" + cache + ":" + version + "}:invalidations";
	}

	/** The answer Redis holds for {@code id}. */
	Read read(String id) {
		List<Object> reply = await(READ.run(this.commands.get(), ScriptOutputType.MULTI, keys(id)), "read");
		long status = (Long) reply.get(0);
		long readAt = (Long) reply.get(1);
		return new Read(status == 1, status == 2, readAt, (status == 1) ? (byte[]) reply.get(2) : null);
	}

	/** Stores what a load found after the miss read at {@code readAt}; false when it came too late to be kept. */
	boolean write(String id, long readAt, Duration ttl, byte[] payload) {
		Long stored = await(WRITE.run(this.commands.get(), ScriptOutputType.INTEGER, keys(id), bytes(readAt),
				bytes(Math.max(1, ttl.toMillis())), payload, bytes(this.tombstoneLife.toNanos() / 1000)), "write");
		return stored == 1;
	}

	/** Evicts {@code id}, leaving a tombstone, and tells every instance. */
	void evict(String id) {
		RedisClusterAsyncCommands<byte[], byte[]> redis = this.commands.get();
		await(EVICT.run(redis, ScriptOutputType.INTEGER, new byte[][] { entry(id) },
				bytes(Math.max(1, this.tombstoneLife.toMillis()))), "eviction");
		publish(redis, InvalidationMessages.one(id));
	}

	/** Deletes an entry that cannot be decoded. */
	void delete(String id) {
		await(this.commands.get().del(entry(id)).toCompletableFuture(), "delete");
	}

	/**
	 * Invalidates every entry at once (one key write), tells every instance, then, if asked, deletes the entries in
	 * batches with SCAN and UNLINK: Redis never blocks on a large cache, and correctness does not wait for the sweep.
	 * @return how many keys the sweep removed
	 */
	long invalidateAll(boolean sweep) {
		RedisClusterAsyncCommands<byte[], byte[]> redis = this.commands.get();
		await(INVALIDATE_ALL.run(redis, ScriptOutputType.INTEGER, new byte[][] { this.validAfterKey }), "invalidation");
		publish(redis, InvalidationMessages.ALL);
		return sweep ? sweep(redis) : 0;
	}

	private long sweep(RedisClusterAsyncCommands<byte[], byte[]> redis) {
		ScanArgs match = ScanArgs.Builder.matches(this.entryPrefix + "*").limit(SCAN_BATCH);
		long removed = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<byte[]> batch = await(redis.scan(cursor, match).toCompletableFuture(), "scan");
			List<byte[]> keys = new ArrayList<>(batch.getKeys());
			keys.removeIf((key) -> java.util.Arrays.equals(key, this.validAfterKey));
			if (!keys.isEmpty()) {
				removed += await(redis.unlink(keys.toArray(byte[][]::new)).toCompletableFuture(), "unlink");
			}
			cursor = batch;
		}
		while (!cursor.isFinished());
		return removed;
	}

	private void publish(RedisClusterAsyncCommands<byte[], byte[]> redis, String message) {
		await(redis.publish(this.channel, bytes(message)).toCompletableFuture(), "invalidation message");
	}

	private byte[][] keys(String id) {
		return new byte[][] { entry(id), this.validAfterKey };
	}

	private byte[] entry(String id) {
		return bytes(this.entryPrefix + RedisKeyEncoding.encode(id));
	}

	private <T> T await(java.util.concurrent.CompletableFuture<T> call, String what) {
		return RedisCalls.await(call, this.timeout, "cache '" + this.cache + "' " + what);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * What Redis holds for an id.
	 *
	 * @param hit whether a value (or a cached "none") was found
	 * @param stale whether an entry was found but dropped, having been written before the cache was invalidated
	 * @param readAt when Redis read it, in its own microseconds: the load that follows a miss hands it back to write
	 * @param payload the stored bytes of a hit
	 */
	record Read(boolean hit, boolean stale, long readAt, byte @Nullable [] payload) {
	}

}
