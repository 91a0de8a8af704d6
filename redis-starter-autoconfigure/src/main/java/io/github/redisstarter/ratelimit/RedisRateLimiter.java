package io.github.redisstarter.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.LuaScript;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import io.github.redisstarter.connection.internal.RedisCommandSource;

/**
 * The limiter shared by every instance through Redis: one EVALSHA of {@code gcra.lua} per
 * check, on the keys of {@link RedisKeys}. The script is sent in full (EVAL) only when
 * Redis answers NOSCRIPT (after a restart or a failover), never after a timeout: a check
 * that may have run is never run twice.
 *
 * <p>
 * Time comes from Redis ({@code TIME}, in microseconds), so app nodes with skewed clocks
 * still agree; pass a clock for managed Redis services that forbid {@code TIME} in
 * scripts. A denial is remembered locally until its retry time (see {@link DenyCache}),
 * so a client that floods costs no Redis call.
 */
final class RedisRateLimiter extends AbstractRateLimiter {

	static final LuaScript SCRIPT = LuaScript.load(RedisRateLimiter.class, "gcra.lua");

	private final RedisCommandSource commands;

	private final RedisKeys keys;

	private final @Nullable InstantSource clock;

	private final RedisCalls calls;

	private final @Nullable DenyCache denyCache;

	/**
	 * Per limit, by {@link CompiledLimit#index()}: what every check of it sends and says,
	 * built once.
	 */
	private final LimitCall[] limitCalls;

	/**
	 * @param commands the Redis connection (Lettuce's, standalone or cluster); asked on
	 * each call, so it may connect lazily
	 * @param calls how long a check waits for Redis (the backend's deadline), and what
	 * its answers tell the backend; a check not answered in time fails with a
	 * {@link io.github.redisstarter.connection.RedisDeadlineMissedException} (answered by
	 * the in-memory twin behind a {@link FailoverRateLimiter})
	 * @param settings the key prefix, clock and deny cache
	 */
	RedisRateLimiter(RateLimits limits, RedisCommandSource commands, RedisCalls calls,
			RedisRateLimitSettings settings) {
		super(limits);
		this.commands = Objects.requireNonNull(commands, "'commands' must not be null");
		this.calls = Objects.requireNonNull(calls, "'calls' must not be null");
		this.keys = new RedisKeys(settings.keyPrefix());
		this.clock = settings.clock();
		this.denyCache = (settings.denyCacheSize() > 0) ? new DenyCache(settings.denyCacheSize()) : null;
		this.limitCalls = new LimitCall[limits.all().size()];
		for (CompiledLimit limit : limits.compiledAll()) {
			List<GcraBand> bands = limit.bands();
			byte[][] arguments = new byte[bands.size() * 4][];
			for (int i = 0; i < bands.size(); i++) {
				GcraBand band = bands.get(i);
				arguments[4 * i] = bytes(band.permitCost());
				arguments[4 * i + 1] = bytes(band.scale());
				arguments[4 * i + 2] = bytes(band.capacity());
				arguments[4 * i + 3] = bytes(band.periodMicros());
			}
			this.limitCalls[limit.index()] = new LimitCall(arguments, "rate-limit check of '" + limit.name() + "'");
		}
	}

	/**
	 * @param bandArguments the script arguments after cost, consume and now: permitCost,
	 * scale, capacity, period per band
	 * @param description the check, for the message of a missed deadline
	 */
	private record LimitCall(byte[][] bandArguments, String description) {
	}

	@Override
	Decision check(CompiledLimit limit, String key, long cost, boolean consume) {
		Decision local = denied(limit, key, cost);
		if (local != null) {
			return local;
		}
		return this.calls.await(evaluate(limit, key, cost, consume), this.limitCalls[limit.index()].description());
	}

	@Override
	CompletionStage<Decision> checkAsync(CompiledLimit limit, String key, long cost, boolean consume) {
		Decision local = denied(limit, key, cost);
		if (local != null) {
			return CompletableFuture.completedFuture(local);
		}
		return this.calls.withDeadline(evaluate(limit, key, cost, consume),
				this.limitCalls[limit.index()].description());
	}

	@Override
	void reset(CompiledLimit limit, String key) {
		if (this.denyCache != null) {
			this.denyCache.forget(limit.limit(), key);
		}
		byte[][] names = this.keys.of(limit.limit(), key, limit.bands().size());
		this.calls.await(this.commands.get().del(names).toCompletableFuture(),
				"rate-limit reset of '" + limit.name() + "'");
	}

	private @Nullable Decision denied(CompiledLimit limit, String key, long cost) {
		return (this.denyCache != null) ? this.denyCache.lookup(limit.limit(), key, cost) : null;
	}

	private CompletableFuture<Decision> evaluate(CompiledLimit limit, String key, long cost, boolean consume) {
		byte[][] names = this.keys.of(limit.limit(), key, limit.bands().size());
		byte[][] bandArguments = this.limitCalls[limit.index()].bandArguments();
		byte[][] arguments = new byte[3 + bandArguments.length][];
		arguments[0] = (cost == 1) ? ONE : bytes(cost);
		arguments[1] = consume ? ONE : ZERO;
		arguments[2] = (this.clock != null) ? bytes(InMemoryRateLimiter.micros(this.clock.instant())) : ZERO;
		System.arraycopy(bandArguments, 0, arguments, 3, bandArguments.length);
		CompletableFuture<List<Long>> reply = SCRIPT.run(this.commands.get(), ScriptOutputType.MULTI, names, arguments);
		return reply.thenApply((values) -> decide(limit, key, cost, values));
	}

	private Decision decide(CompiledLimit limit, String key, long cost, List<Long> values) {
		long[] reply = new long[values.size()];
		for (int i = 0; i < reply.length; i++) {
			reply[i] = values.get(i);
		}
		Decision decision = Decision.of(limit, reply, Decision.Source.REDIS);
		if (!decision.allowed() && this.denyCache != null) {
			this.denyCache.remember(limit.limit(), key, cost, decision);
		}
		return decision;
	}

	private static final byte[] ONE = bytes(1);

	private static final byte[] ZERO = bytes(0);

	private static byte[] bytes(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

}
