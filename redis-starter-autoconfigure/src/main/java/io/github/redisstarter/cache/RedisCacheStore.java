package io.github.redisstarter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisKeyEncoding;
import io.github.redisstarter.connection.internal.LuaScript;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;
import io.github.redisstarter.connection.internal.RedisCommandSource;

/**
 * The Redis side of one cache (L2). Keys are {@code <prefix>:<cache>:<version>:{<id>}}
 * for entries (ids encoded by {@link RedisKeyEncoding}) and
 * {@code <prefix>:{<cache>:<version>}:#valid-after} for the cache's "valid after"
 * instant, the mark of its last whole-cache invalidation. Each entry is its own hash tag,
 * so on Redis Cluster a cache spreads over every master; no script touches two keys.
 *
 * <p>
 * A read is one MGET of the entry and the instant (Lettuce splits it by slot on a
 * cluster). An entry carries the instant its load read ({@code V<instant> <payload>}),
 * and counts only while the instant is still that one: a whole-cache invalidation, which
 * moves the instant, turns every entry into a miss at once, including one a load read
 * before it and stored after. Every write is one script on one key: an evicted entry
 * leaves a tombstone with Redis' own time, and a load is stored only if the entry is
 * still what its miss read (compare-and-set, see {@code write.lua}).
 */
final class RedisCacheStore {

	private static final LuaScript WRITE = LuaScript.load(RedisCacheStore.class, "write.lua");

	private static final LuaScript EVICT = LuaScript.load(RedisCacheStore.class, "evict.lua");

	private static final LuaScript INVALIDATE_ALL = LuaScript.load(RedisCacheStore.class, "invalidate-all.lua");

	private static final int SCAN_BATCH = 1000;

	private static final int SWEEP_CALL_SECONDS = 10;

	private final String cache;

	private final RedisCommandSource commands;

	private final RedisCalls calls;

	private final String entryPrefix;

	private final byte[] validAfterKey;

	private final byte[] channel;

	private final Duration tombstoneLife;

	RedisCacheStore(String prefix, String cache, String version, RedisCommandSource commands, RedisCalls calls,
			Duration tombstoneLife) {
		this.cache = cache;
		this.commands = commands;
		this.calls = calls;
		this.entryPrefix = prefix + ":" + cache + ":" + version + ":{";
		this.validAfterKey = bytes(prefix + ":{" + cache + ":" + version + "}:#valid-after");
		this.channel = bytes(channelName(prefix, cache, version));
		this.tombstoneLife = tombstoneLife;
	}

	static String channelName(String prefix, String cache, String version) {
		return prefix + ":{" + cache + ":" + version + "}:invalidations";
	}

	/**
	 * The answer Redis holds for {@code id}: one MGET of the entry and the cache's "valid
	 * after" instant, no script, so that a hit costs what a plain GET costs. An entry
	 * written before that instant counts as a miss.
	 */
	Read read(String id) {
		List<KeyValue<byte[], byte[]>> reply = await(
				this.commands.get().mget(entry(id), this.validAfterKey).toCompletableFuture(), "read");
		byte[] entry = reply.get(0).getValueOrElse(null);
		byte[] validAfterBytes = reply.get(1).getValueOrElse(null);
		String validAfter = (validAfterBytes != null) ? new String(validAfterBytes, StandardCharsets.US_ASCII) : "";
		if (entry == null) {
			return new Read(false, "", validAfter, null);
		}
		int space = indexOf(entry, (byte) ' ');
		String token = new String(entry, 0, (space >= 0) ? space : entry.length, StandardCharsets.US_ASCII);
		if (entry[0] != 'V' || space < 0) {
			return new Read(false, token, validAfter, null);
		}
		if (!token.substring(1).equals(validAfter)) {
			// Loaded before the cache was last invalidated as a whole: a miss,
			// overwritten by the next load.
			return new Read(false, token, validAfter, null);
		}
		return new Read(true, token, validAfter, Arrays.copyOfRange(entry, space + 1, entry.length));
	}

	/**
	 * Stores what a load found after {@code read} missed, unless the entry or the instant
	 * changed since (an eviction, or an invalidation of the whole cache): false when it
	 * came too late to be kept.
	 */
	boolean write(String id, Read read, Duration ttl, byte[] payload) {
		Long stored = await(
				WRITE.run(this.commands.get(), ScriptOutputType.INTEGER, new byte[][] { entry(id) },
						bytes(read.token()), bytes(read.validAfter()), bytes(Math.max(1, ttl.toMillis())), payload),
				"write");
		return stored == 1;
	}

	/**
	 * Stores {@code payload} for {@code id} whatever the entry holds, and tells every
	 * instance to drop its copy, as {@link #evict} does.
	 * @return how many subscribers received the message, or -1 when Redis cannot tell
	 * (Cluster)
	 */
	long put(String id, Duration ttl, byte[] payload, UnaryOperator<String> tag) {
		RedisClusterAsyncCommands<byte[], byte[]> redis = this.commands.get();
		byte[] validAfter = await(redis.get(this.validAfterKey).toCompletableFuture(), "put");
		awaitWrite(
				WRITE.run(redis, ScriptOutputType.INTEGER, new byte[][] { entry(id) }, bytes("*"),
						(validAfter != null) ? validAfter : new byte[0], bytes(Math.max(1, ttl.toMillis())), payload),
				"put");
		return publish(redis, tag.apply(InvalidationMessages.one(id)));
	}

	/**
	 * How long a tombstone lives: a load that takes half of it or more is not stored, as
	 * it may have outlived one.
	 */
	Duration tombstoneLife() {
		return this.tombstoneLife;
	}

	/**
	 * Evicts {@code id}, leaving a tombstone, and tells every instance. Other instances
	 * rely on it: it waits up to the longest call deadline.
	 * @param tag turns the invalidation message into the one to publish (asking for
	 * acknowledgments, or not)
	 * @return how many subscribers received the message, or -1 when Redis cannot tell
	 * (Cluster)
	 */
	long evict(String id, UnaryOperator<String> tag) {
		RedisClusterAsyncCommands<byte[], byte[]> redis = this.commands.get();
		awaitWrite(EVICT.run(redis, ScriptOutputType.INTEGER, new byte[][] { entry(id) },
				bytes(Math.max(1, this.tombstoneLife.toMillis()))), "eviction");
		return publish(redis, tag.apply(InvalidationMessages.one(id)));
	}

	/** Deletes an entry that cannot be decoded. */
	void delete(String id) {
		await(this.commands.get().del(entry(id)).toCompletableFuture(), "delete");
	}

	/**
	 * Invalidates every entry at once (one key write) and tells every instance;
	 * {@link #sweep()} deletes the entries afterwards. Other instances rely on the
	 * invalidation: it waits up to the longest call deadline.
	 * @param tag turns the invalidation message into the one to publish (asking for
	 * acknowledgments, or not)
	 * @return how many subscribers received the message, or -1 when Redis cannot tell
	 * (Cluster)
	 */
	long invalidateAll(UnaryOperator<String> tag) {
		RedisClusterAsyncCommands<byte[], byte[]> redis = this.commands.get();
		awaitWrite(INVALIDATE_ALL.run(redis, ScriptOutputType.INTEGER, new byte[][] { this.validAfterKey }),
				"invalidation");
		return publish(redis, tag.apply(InvalidationMessages.ALL));
	}

	/**
	 * Deletes the invalidated entries in batches with SCAN and UNLINK, in the background:
	 * Redis never blocks on a large cache, correctness does not wait for the sweep, and a
	 * slow batch is no evidence against Redis: its calls are not timed by the failure
	 * detector, and a failure ends the sweep without being reported (the entries expire).
	 * @return how many keys the sweep removed
	 */
	long sweep() {
		return sweep(this.commands.get());
	}

	private long sweep(RedisClusterAsyncCommands<byte[], byte[]> redis) {
		ScanArgs match = ScanArgs.Builder.matches(this.entryPrefix + "*").limit(SCAN_BATCH);
		long removed = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<byte[]> batch = untimed(redis.scan(cursor, match));
			List<byte[]> keys = new ArrayList<>(batch.getKeys());
			if (!keys.isEmpty()) {
				removed += untimed(redis.unlink(keys.toArray(byte[][]::new)));
			}
			cursor = batch;
		}
		while (!cursor.isFinished());
		return removed;
	}

	private long publish(RedisClusterAsyncCommands<byte[], byte[]> redis, String message) {
		Long receivers = awaitWrite(redis.publish(this.channel, bytes(message)).toCompletableFuture(),
				"invalidation message");
		return (redis instanceof RedisAdvancedClusterAsyncCommands) ? -1 : receivers;
	}

	private byte[] entry(String id) {
		return bytes(this.entryPrefix + RedisKeyEncoding.encode(id) + "}");
	}

	/**
	 * A sweep's call, waited for at most {@value #SWEEP_CALL_SECONDS} s and no evidence
	 * for the failure detector.
	 */
	private static <T> T untimed(io.lettuce.core.RedisFuture<T> call) {
		try {
			return call.toCompletableFuture().get(SWEEP_CALL_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while sweeping", ex);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException("sweep stopped: " + ex, ex);
		}
	}

	private <T> T await(java.util.concurrent.CompletableFuture<T> call, String what) {
		return this.calls.await(call, "cache '" + this.cache + "' " + what);
	}

	private <T> T awaitWrite(java.util.concurrent.CompletableFuture<T> call, String what) {
		return this.calls.awaitWrite(call, "cache '" + this.cache + "' " + what);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private static int indexOf(byte[] bytes, byte wanted) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * What Redis holds for an id.
	 *
	 * @param hit whether a value (or a cached "none") was found
	 * @param token what the entry was when read: '' for none, {@code V<written>} or
	 * {@code T<evicted>}
	 * @param validAfter the cache's instant when read, '' for none
	 * @param payload the stored bytes of a hit
	 */
	record Read(boolean hit, String token, String validAfter, byte @Nullable [] payload) {

		/** This read, as if the entry had not been there: after the cache deleted it. */
		Read deleted() {
			return new Read(false, "", this.validAfter, null);
		}

	}

}
