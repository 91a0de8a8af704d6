package io.github.redisstarter.connection.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * What the starter's Redis user must be allowed for the capabilities that are on, as one
 * ACL line, and the check that finds what a user lacks before traffic: each command is
 * sent once in a form that changes nothing (an EVALSHA of no script, a SET with XX of a
 * key that does not exist, a PUBLISH on a channel no one listens to), and the commands
 * the scripts call go through {@code redis.pcall} inside one EVAL, so that a refusal
 * names the command (a script's own refusal does not). The pub/sub commands cannot be
 * sent on the shared connection and are not checked here.
 *
 * @param rateLimitPrefix the rate limits' key prefix, or {@code null} when they are off
 * @param cachePrefix the caches' key prefix, or {@code null} when they are off
 * @param broadcasts whether the broadcaster is on
 * @param rateLimitScriptTime whether the rate limiter reads Redis' clock
 * @param queuePrefix the job queue's key prefix, or {@code null} when it is off
 * @param sessionPrefix the HTTP sessions' key prefix, or {@code null} when they are off
 */
public record RedisPermissions(@Nullable String rateLimitPrefix, @Nullable String cachePrefix, boolean broadcasts,
		boolean rateLimitScriptTime, @Nullable String queuePrefix, @Nullable String sessionPrefix) {

	/** What the capabilities need without the HTTP sessions. */
	public RedisPermissions(@Nullable String rateLimitPrefix, @Nullable String cachePrefix, boolean broadcasts,
			boolean rateLimitScriptTime, @Nullable String queuePrefix) {
		this(rateLimitPrefix, cachePrefix, broadcasts, rateLimitScriptTime, queuePrefix, null);
	}

	/**
	 * What the capabilities need with the rate limiter reading Redis' clock (the
	 * default), without the job queue.
	 */
	public RedisPermissions(@Nullable String rateLimitPrefix, @Nullable String cachePrefix, boolean broadcasts) {
		this(rateLimitPrefix, cachePrefix, broadcasts, true, null, null);
	}

	/** The key the monitor writes to see that Redis takes writes again. */
	public static final String PROBE_KEY = "redis-starter:probe";

	private static final String CHECK_TAG = "{redis-starter:permission-check}";

	private static final String NO_SCRIPT = "0000000000000000000000000000000000000000";

	/**
	 * What the rate limiter's and the caches' scripts call, each with the rule that
	 * allows it: a SET with XX on a key that does not exist writes nothing.
	 */
	private static final List<String[]> SCRIPT_CALLS = List.of(new String[] { "+get", "'GET', KEYS[1]" },
			new String[] { "+set", "'SET', KEYS[1], '1', 'XX', 'PX', '1'" }, new String[] { "+time", "'TIME'" });

	/**
	 * What the job queue's scripts call, each in a form that changes nothing on a key no
	 * job uses (the hash written is deleted by the same script; the stream commands on a
	 * missing stream answer an error that is not a refusal).
	 */
	private static final List<String[]> QUEUE_CALLS = List.of(new String[] { "+time", "'TIME'" },
			new String[] { "+exists", "'EXISTS', KEYS[1]" }, new String[] { "+hset", "'HSET', KEYS[1], 'f', '1'" },
			new String[] { "+hincrby", "'HINCRBY', KEYS[1], 'f', '1'" },
			new String[] { "+hget", "'HGET', KEYS[1], 'f'" }, new String[] { "+hmget", "'HMGET', KEYS[1], 'f'" },
			new String[] { "+hdel", "'HDEL', KEYS[1], 'f'" }, new String[] { "+del", "'DEL', KEYS[1]" },
			new String[] { "+zadd", "'ZADD', KEYS[1], 'XX', '1', 'm'" },
			new String[] { "+zrem", "'ZREM', KEYS[1], 'm'" }, new String[] { "+zrange", "'ZRANGE', KEYS[1], '0', '0'" },
			new String[] { "+zrangebyscore", "'ZRANGEBYSCORE', KEYS[1], '0', '0'" },
			new String[] { "+zrevrange", "'ZREVRANGE', KEYS[1], '0', '0'" },
			new String[] { "+zremrangebyrank", "'ZREMRANGEBYRANK', KEYS[1], '1', '0'" },
			new String[] { "+zcard", "'ZCARD', KEYS[1]" },
			new String[] { "+xadd", "'XADD', KEYS[1], 'NOMKSTREAM', '*', 'f', 'v'" },
			new String[] { "+xgroup|create", "'XGROUP', 'CREATE', KEYS[1], 'g', '0'" },
			new String[] { "+xgroup|delconsumer", "'XGROUP', 'DELCONSUMER', KEYS[1], 'g', 'c'" },
			new String[] { "+xreadgroup", "'XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', KEYS[1], '>'" },
			new String[] { "+xautoclaim", "'XAUTOCLAIM', KEYS[1], 'g', 'c', '0', '0-0'" },
			new String[] { "+xrange", "'XRANGE', KEYS[1], '-', '+', 'COUNT', '1'" },
			new String[] { "+xclaim", "'XCLAIM', KEYS[1], 'g', 'c', '0', '0-1'" },
			new String[] { "+xack", "'XACK', KEYS[1], 'g', '0-1'" }, new String[] { "+xdel", "'XDEL', KEYS[1], '0-1'" },
			new String[] { "+xlen", "'XLEN', KEYS[1]" }, new String[] { "+xpending", "'XPENDING', KEYS[1], 'g'" });

	/**
	 * A script that calls each of {@code calls} with pcall and returns the rules of those
	 * refused to the user (any other error, such as a missing stream, is not this check's
	 * business).
	 */
	private static String refusalsOf(List<String[]> calls) {
		StringBuilder script = new StringBuilder("local refused = {}\nlocal calls = {\n");
		for (String[] call : calls) {
			script.append("  { '").append(call[0]).append("', ").append(call[1]).append(" },\n");
		}
		return script
			.append("""
					}
					for _, call in ipairs(calls) do
					  local reply = redis.pcall(unpack(call, 2))
					  local refusal = type(reply) == 'table' and reply.err and string.lower(reply.err)
					  if refusal and (string.find(refusal, "can't run", 1, true) or string.find(refusal, 'noperm', 1, true)
					      or string.find(refusal, 'no permissions', 1, true) or string.find(refusal, 'acl failure', 1, true)) then
					    refused[#refused + 1] = call[1]
					  end
					end
					return refused""")
			.toString();
	}

	private static final String SCRIPT_COMMANDS = refusalsOf(SCRIPT_CALLS);

	private static final String QUEUE_COMMANDS = refusalsOf(QUEUE_CALLS);

	private static final long CALL_SECONDS = 5;

	/**
	 * What Spring Session's Redis repository sends: HGETALL to read a session, EXISTS,
	 * HMSET and PEXPIREAT to save one, RENAME when its id changes, DEL to delete it.
	 */
	private static final List<String> SESSION_RULES = List.of("+exists", "+hgetall", "+hmset", "+pexpireat", "+rename",
			"+del");

	/** The ACL line for a user with this password: {@code ACL SETUSER <user> on >...}. */
	public String aclLine(String user, String password) {
		return "ACL SETUSER " + user + " on >" + password + " " + String.join(" ", rules());
	}

	/** The rules of the line, keys first, then channels and commands. */
	public List<String> rules() {
		Set<String> rules = new LinkedHashSet<>();
		if (this.rateLimitPrefix != null) {
			rules.add("~" + this.rateLimitPrefix + ":*");
		}
		if (this.cachePrefix != null) {
			rules.add("~" + this.cachePrefix + ":*");
		}
		if (this.queuePrefix != null) {
			rules.add("~" + this.queuePrefix + ":*");
		}
		if (this.sessionPrefix != null) {
			rules.add("~" + this.sessionPrefix + ":*");
		}
		rules.add("~" + PROBE_KEY);
		if (this.cachePrefix != null || this.broadcasts) {
			rules.add("&*");
		}
		rules.add("+@connection");
		if (this.rateLimitPrefix != null || this.cachePrefix != null || this.queuePrefix != null) {
			rules.addAll(List.of("+evalsha", "+eval"));
		}
		if (this.cachePrefix != null) {
			rules.add("+mget");
		}
		if (this.rateLimitPrefix != null || this.cachePrefix != null) {
			// GET inside the scripts; DEL for an undecodable entry and a limit's reset.
			rules.addAll(List.of("+get", "+del"));
		}
		if (this.cachePrefix != null) {
			rules.addAll(List.of("+unlink", "+scan"));
		}
		rules.add("+set");
		if (this.queuePrefix != null) {
			// TIME comes with the rules below.
			QUEUE_CALLS.stream().map((call) -> call[0]).filter((rule) -> !rule.equals("+time")).forEach(rules::add);
			rules.add("+hgetall");
		}
		if (this.sessionPrefix != null) {
			rules.addAll(SESSION_RULES);
		}
		if (this.cachePrefix != null || this.broadcasts) {
			rules.addAll(List.of("+publish", "+subscribe", "+psubscribe", "+unsubscribe", "+punsubscribe"));
		}
		if (needsTime()) {
			rules.add("+time");
		}
		rules.add("+info");
		return List.copyOf(rules);
	}

	/**
	 * The caches' scripts read Redis' clock, and so does the rate limiter's by default.
	 */
	private boolean needsTime() {
		return this.cachePrefix != null || this.queuePrefix != null
				|| (this.rateLimitPrefix != null && this.rateLimitScriptTime);
	}

	/**
	 * The rules the connected user lacks, in the order of {@link #rules()}, or a narrower
	 * rule where one would do (the caches' channels, {@code &cache:*}, rather than
	 * {@code &*}); empty when it has them all. {@code +info} is not asked for: INFO is
	 * read only after an OOM, and the starter does without it.
	 */
	public List<String> missing(RedisClusterAsyncCommands<byte[], byte[]> redis) {
		Set<String> missing = new LinkedHashSet<>();
		List<String> keyRules = new ArrayList<>();
		if (this.rateLimitPrefix != null) {
			keyRules.add(this.rateLimitPrefix);
		}
		if (this.cachePrefix != null) {
			keyRules.add(this.cachePrefix);
		}
		for (String prefix : keyRules) {
			byte[] key = bytes(prefix + ":" + CHECK_TAG + ":x");
			String keyRule = "~" + prefix + ":*";
			check(missing, "+evalsha", keyRule, () -> redis.evalsha(NO_SCRIPT, ScriptOutputType.STATUS, key));
			List<Object> refused = check(missing, "+eval", keyRule,
					() -> redis.eval(SCRIPT_COMMANDS, ScriptOutputType.MULTI, key));
			if (refused != null) {
				refused.stream()
					.map(RedisPermissions::text)
					.filter((rule) -> !rule.equals("+time") || needsTime())
					.forEach(missing::add);
			}
			check(missing, "+del", keyRule, () -> redis.del(key));
		}
		if (this.cachePrefix != null) {
			byte[] key = bytes(this.cachePrefix + ":" + CHECK_TAG + ":x");
			String keyRule = "~" + this.cachePrefix + ":*";
			check(missing, "+mget", keyRule, () -> redis.mget(key));
			check(missing, "+unlink", keyRule, () -> redis.unlink(key));
			check(missing, "+scan", null, () -> redis.scan(ScanCursor.INITIAL,
					ScanArgs.Builder.matches(this.cachePrefix + ":" + CHECK_TAG + ":*").limit(1)));
		}
		if (this.queuePrefix != null) {
			byte[] key = bytes(this.queuePrefix + ":" + CHECK_TAG + ":x");
			String keyRule = "~" + this.queuePrefix + ":*";
			check(missing, "+evalsha", keyRule, () -> redis.evalsha(NO_SCRIPT, ScriptOutputType.STATUS, key));
			List<Object> refused = check(missing, "+eval", keyRule,
					() -> redis.eval(QUEUE_COMMANDS, ScriptOutputType.MULTI, key));
			if (refused != null) {
				refused.stream().map(RedisPermissions::text).forEach(missing::add);
			}
			check(missing, "+hgetall", keyRule, () -> redis.hgetall(key));
		}
		if (this.sessionPrefix != null) {
			// Each command once, on a key no session uses: the hash written is deleted
			// again, and the rest change nothing (RENAME of a missing key is an error
			// that is not a refusal).
			byte[] key = bytes(this.sessionPrefix + ":" + CHECK_TAG + ":x");
			String keyRule = "~" + this.sessionPrefix + ":*";
			check(missing, "+exists", keyRule, () -> redis.exists(key));
			check(missing, "+hgetall", keyRule, () -> redis.hgetall(key));
			check(missing, "+hmset", keyRule, () -> redis.hmset(key, java.util.Map.of(bytes("f"), bytes("1"))));
			check(missing, "+pexpireat", keyRule, () -> redis.pexpireat(key, 1L));
			check(missing, "+rename", keyRule,
					() -> redis.rename(bytes(this.sessionPrefix + ":" + CHECK_TAG + ":missing"), key));
			check(missing, "+del", keyRule, () -> redis.del(key));
		}
		check(missing, "+set", "~" + PROBE_KEY,
				() -> redis.set(bytes(PROBE_KEY), bytes("1"), SetArgs.Builder.xx().px(1)));
		if (this.cachePrefix != null) {
			// A channel of the caches' own, which no cache listens to. The broadcasts'
			// channels are the app's to name, so they are not checked.
			check(missing, "+publish", "&" + this.cachePrefix + ":*",
					() -> redis.publish(bytes(this.cachePrefix + ":" + CHECK_TAG + ":nobody-listens"), new byte[0]));
		}
		List<String> ordered = new ArrayList<>(rules());
		ordered.retainAll(missing);
		missing.stream().filter((rule) -> !ordered.contains(rule)).forEach(ordered::add);
		return ordered;
	}

	/**
	 * Runs one call; a NOPERM adds the command's rule, or the rule of what the call
	 * touches ({@code ~...} for a key, {@code &...} for a channel) when the refusal is
	 * about that. Any other failure is not this check's business.
	 */
	private static <T> @Nullable T check(Set<String> missing, String commandRule, @Nullable String targetRule,
			java.util.function.Supplier<io.lettuce.core.RedisFuture<T>> call) {
		try {
			return call.get().toCompletableFuture().get(CALL_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while checking the Redis user's permissions", ex);
		}
		catch (java.util.concurrent.ExecutionException | CompletionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
			if (message.startsWith("noperm")) {
				// "one of the keys" (6.2, 7.0) or "a key" (7.2 and later), the same for
				// channels.
				boolean aboutKeys = message.contains("access a key") || message.contains("the keys");
				boolean aboutChannels = message.contains("access a channel") || message.contains("the channels");
				boolean aboutTarget = targetRule != null
						&& ((aboutKeys && targetRule.startsWith("~")) || (aboutChannels && targetRule.startsWith("&")));
				missing.add(aboutTarget ? targetRule : commandRule);
				return null;
			}
			if (RedisFailures.isUnavailable(cause)) {
				throw RedisCalls.unwrap(cause);
			}
			return null;
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new io.lettuce.core.RedisCommandTimeoutException(
					"No answer within " + CALL_SECONDS + " s while checking the Redis user's permissions");
		}
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
