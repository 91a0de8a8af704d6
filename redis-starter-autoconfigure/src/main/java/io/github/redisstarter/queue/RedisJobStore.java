package io.github.redisstarter.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.github.redisstarter.connection.internal.LuaScript;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisCommandSource;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

/**
 * The jobs of every queue on Redis: each step one script (see {@code lib.lua} for the
 * layout), every key of a queue under {@code <prefix>:{<queue>}:} so that a queue lives
 * in one Cluster slot. A step is never sent twice: one that missed its deadline may have
 * run, and each is safe to repeat by hand (adds by id, finishes by attempt).
 */
final class RedisJobStore implements JobStore {

	private static final LuaScript ADD = script("add.lua");

	private static final LuaScript CLAIM = script("claim.lua");

	private static final LuaScript FINISH = script("finish.lua");

	private static final LuaScript RENEW = script("renew.lua");

	private static final LuaScript CANCEL = script("cancel.lua");

	private static final LuaScript RETRY = script("retry.lua");

	private static final LuaScript PURGE = script("purge.lua");

	private static final LuaScript COUNTS = script("counts.lua");

	private static final LuaScript PROGRESS = script("progress.lua");

	private static final LuaScript LEAVE = script("leave.lua");

	private static final byte[] NO_MARKER = new byte[0];

	private final RedisCommandSource commands;

	private final RedisCalls calls;

	private final String prefix;

	/**
	 * @param prefix the keys' prefix, without '{' or '}'
	 */
	RedisJobStore(RedisCommandSource commands, RedisCalls calls, String prefix) {
		this.commands = Objects.requireNonNull(commands, "'commands' must not be null");
		this.calls = Objects.requireNonNull(calls, "'calls' must not be null");
		if (prefix == null || prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
			throw new IllegalArgumentException("'keyPrefix' must be non-empty text without '{' or '}'");
		}
		this.prefix = prefix;
	}

	private static LuaScript script(String name) {
		return LuaScript.load(RedisJobStore.class, "lib.lua", name);
	}

	/** Where every key of the queue starts: {@code <prefix>:{<queue>}:}. */
	String base(String queue) {
		return this.prefix + ":{" + queue + "}:";
	}

	@Override
	public List<Boolean> add(String queue, List<NewJobRecord> jobs) {
		List<Long> reply = run(ADD, queue, "add to '" + queue + "'", key(queue, "meta"),
				addArguments(queue, NO_MARKER, 0, jobs));
		List<Boolean> added = new ArrayList<>(reply.size());
		reply.forEach((flag) -> added.add(flag == 1L));
		return added;
	}

	@Override
	public boolean addTick(String queue, String scheduleKey, long tickMillis, NewJobRecord job) {
		List<Long> reply = run(ADD, queue, "repeatable job '" + scheduleKey + "' of '" + queue + "'",
				key(queue, "meta"), addArguments(queue, bytes("tick:" + scheduleKey), tickMillis, List.of(job)));
		return !reply.isEmpty() && reply.get(0) == 1L;
	}

	private byte[][] addArguments(String queue, byte[] marker, long tickMillis, List<NewJobRecord> jobs) {
		byte[][] arguments = new byte[3 + 10 * jobs.size()][];
		arguments[0] = bytes(base(queue));
		arguments[1] = marker;
		arguments[2] = bytes(tickMillis);
		int i = 3;
		for (NewJobRecord job : jobs) {
			arguments[i++] = bytes(job.id());
			arguments[i++] = bytes(job.name());
			arguments[i++] = bytes(job.payload());
			arguments[i++] = bytes(job.priority());
			arguments[i++] = bytes(job.delayMillis());
			arguments[i++] = bytes(job.maxAttempts());
			arguments[i++] = bytes(job.backoff());
			arguments[i++] = bytes(job.keepCompleted());
			arguments[i++] = bytes(job.keepFailed());
			arguments[i++] = bytes(job.keepForMillis());
		}
		return arguments;
	}

	@Override
	public Claim claim(String queue, String consumer, int max, Duration visibility, Collection<ClaimedJob> running) {
		byte[][] arguments = withRunning(running, bytes(base(queue)), bytes(consumer), bytes(max),
				bytes(visibility.toMillis()), bytes(JobStore.lostReason(visibility)));
		List<Object> reply = run(CLAIM, queue, "claim of '" + queue + "'", key(queue, "meta"), arguments);
		return claimed(queue, reply, 0);
	}

	/** The arguments, then the token of each running job. */
	private static byte[][] withRunning(Collection<ClaimedJob> running, byte[]... arguments) {
		byte[][] all = Arrays.copyOf(arguments, arguments.length + running.size());
		int i = arguments.length;
		for (ClaimedJob job : running) {
			all[i++] = bytes(job.token());
		}
		return all;
	}

	/** The claim in {@code reply} from {@code at}: next due, jobs, lost ids. */
	private static Claim claimed(String queue, List<?> reply, int at) {
		long nextDue = (Long) reply.get(at);
		List<?> jobs = (List<?>) reply.get(at + 1);
		List<?> lostIds = (List<?>) reply.get(at + 2);
		if (jobs.isEmpty() && lostIds.isEmpty()) {
			return (nextDue == -1) ? Claim.NONE : new Claim(List.of(), List.of(), nextDue);
		}
		List<ClaimedJob> claimed = new ArrayList<>(jobs.size());
		for (Object item : jobs) {
			List<?> job = (List<?>) item;
			claimed.add(new ClaimedJob(queue, text(job.get(0)), text(job.get(1)), text(job.get(2)),
					(int) number(job.get(3)), (int) number(job.get(4)), Backoff.parse(text(job.get(5))),
					(int) number(job.get(6)), (int) number(job.get(7)), number(job.get(8)), text(job.get(9))));
		}
		List<String> lost = new ArrayList<>(lostIds.size());
		for (Object id : lostIds) {
			lost.add(text(id));
		}
		return new Claim(claimed, lost, nextDue);
	}

	@Override
	public Map<String, Boolean> renew(String queue, String consumer, Collection<ClaimedJob> jobs) {
		byte[][] arguments = new byte[2 + 2 * jobs.size()][];
		arguments[0] = bytes(base(queue));
		arguments[1] = bytes(consumer);
		int i = 2;
		for (ClaimedJob job : jobs) {
			arguments[i++] = bytes(job.id());
			arguments[i++] = bytes(job.token());
		}
		List<Object> reply = run(RENEW, queue, "lease renewal of '" + queue + "'", key(queue, "meta"), arguments);
		Map<String, Boolean> news = new HashMap<>();
		for (int j = 0; j + 1 < reply.size(); j += 2) {
			news.put(text(reply.get(j)), number(reply.get(j + 1)) == 1L);
		}
		return news;
	}

	@Override
	public boolean finish(ClaimedJob job, String consumer, Outcome outcome) {
		return finishAndClaim(job, consumer, outcome, 0, Duration.ZERO, List.of()).ended();
	}

	@Override
	public Finished finishAndClaim(ClaimedJob job, String consumer, Outcome outcome, int max, Duration visibility,
			Collection<ClaimedJob> running) {
		String kind = outcome.kind().name().toLowerCase(java.util.Locale.ROOT);
		String text = (outcome.text() != null) ? outcome.text() : "";
		long delay = outcome.delay().toMillis();
		List<Object> reply = run(FINISH, job.queue(), "end of job '" + job.id() + "' of '" + job.queue() + "'",
				key(job.queue(), "job:" + job.id()),
				withRunning((max > 0) ? running : List.of(), bytes(base(job.queue())), bytes(job.id()), bytes(consumer),
						bytes(job.token()), bytes(kind), bytes(text), bytes(delay), bytes(max),
						bytes(visibility.toMillis()), (max > 0) ? bytes(JobStore.lostReason(visibility)) : NO_MARKER));
		return new Finished((Long) reply.get(0) >= 1L, claimed(job.queue(), reply, 1));
	}

	@Override
	public void leave(String queue, String consumer) {
		run(LEAVE, ScriptOutputType.INTEGER, queue, "leave of '" + queue + "'", key(queue, "meta"), bytes(base(queue)),
				bytes(consumer));
	}

	@Override
	public void progress(ClaimedJob job, String consumer, int percent) {
		run(PROGRESS, ScriptOutputType.INTEGER, job.queue(), "progress of job '" + job.id() + "'",
				key(job.queue(), "job:" + job.id()), bytes(consumer), bytes(job.attempt()), bytes(percent));
	}

	@Override
	public @Nullable Job job(String queue, String id) {
		Map<byte[], byte[]> fields = this.calls.await(
				this.commands.get().hgetall(key(queue, "job:" + id)).toCompletableFuture(),
				"read of job '" + id + "' of '" + queue + "'");
		return fields.isEmpty() ? null : view(queue, id, fields);
	}

	private static Job view(String queue, String id, Map<byte[], byte[]> raw) {
		Map<String, String> fields = new HashMap<>();
		raw.forEach((name, value) -> fields.put(text(name), text(value)));
		String result = fields.get("result");
		return new Job(id, queue, fields.get("name"), JobState.ofLabel(fields.get("state")), fields.get("payload"),
				Integer.parseInt(fields.get("priority")), Integer.parseInt(fields.get("attempts")),
				Integer.parseInt(fields.get("maxAttempts")), Integer.parseInt(fields.getOrDefault("progress", "0")),
				(result == null || result.isEmpty()) ? null : result, fields.get("error"),
				instant(fields.get("createdAt")), instant(fields.get("runAt")), instant(fields.get("finishedAt")));
	}

	private static @Nullable Instant instant(@Nullable String millis) {
		return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)) : null;
	}

	@Override
	public QueueCounts counts(String queue) {
		List<Long> reply = run(COUNTS, queue, "counts of '" + queue + "'", key(queue, "meta"), bytes(base(queue)));
		return new QueueCounts(reply.get(0), reply.get(1), reply.get(2), reply.get(3), reply.get(4),
				reply.get(5) == 1L);
	}

	@Override
	public @Nullable JobState cancel(String queue, String id) {
		byte[] reply = run(CANCEL, ScriptOutputType.VALUE, queue, "cancel of job '" + id + "'", key(queue, "job:" + id),
				bytes(base(queue)), bytes(id));
		String state = (reply != null) ? text(reply) : "";
		return state.isEmpty() ? null : JobState.ofLabel(state);
	}

	@Override
	public void paused(String queue, boolean paused) {
		this.calls.await(this.commands.get()
			.hset(key(queue, "meta"), bytes("paused"), bytes(paused ? 1 : 0))
			.toCompletableFuture(), (paused ? "pause" : "resume") + " of '" + queue + "'");
	}

	@Override
	public List<Job> failed(String queue, int limit) {
		List<byte[]> ids = this.calls.await(
				this.commands.get().zrevrange(key(queue, "failed"), 0, limit - 1).toCompletableFuture(),
				"dead letters of '" + queue + "'");
		List<Job> jobs = new ArrayList<>();
		for (byte[] id : ids) {
			Job job = job(queue, text(id));
			if (job != null) {
				jobs.add(job);
			}
		}
		return jobs;
	}

	@Override
	public boolean retry(String queue, String id) {
		Long reply = run(RETRY, ScriptOutputType.INTEGER, queue, "retry of job '" + id + "'", key(queue, "job:" + id),
				bytes(base(queue)), bytes(id));
		return reply == 1L;
	}

	@Override
	public long purgeFailed(String queue) {
		return run(PURGE, ScriptOutputType.INTEGER, queue, "purge of '" + queue + "'", key(queue, "failed"),
				bytes(base(queue)));
	}

	private <T> T run(LuaScript script, String queue, String what, byte[] key, byte[]... arguments) {
		return run(script, ScriptOutputType.MULTI, queue, what, key, arguments);
	}

	private <T> T run(LuaScript script, ScriptOutputType output, String queue, String what, byte[] key,
			byte[]... arguments) {
		CompletableFuture<T> reply = script.run(this.commands.get(), output, new byte[][] { key }, arguments);
		return this.calls.await(reply, what);
	}

	private byte[] key(String queue, String suffix) {
		return bytes(base(queue) + suffix);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private static String text(Object value) {
		return new String((byte[]) value, StandardCharsets.UTF_8);
	}

	private static long number(Object value) {
		return (value instanceof Long number) ? number : Long.parseLong(text(value));
	}

}
