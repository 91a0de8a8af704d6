package io.github.redisstarter.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.redisstarter.connection.internal.RedisCalls;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The physical limits a check is measured against, on the call path ours takes: the same
 * kind of connection (Lettuce's asynchronous byte-array commands), the same wait
 * ({@link RedisCalls#await} with the same fixed deadline). PING and GET are one round
 * trip; "raw-script" is a hand-written EVALSHA of a minimal GCRA (one band, Redis' clock)
 * on the same random keys as ours: the cost of a rate limit as a script, with nothing of
 * ours around it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisBaselineBenchmark {

	/**
	 * The smallest GCRA worth the name: one band, the theoretical arrival time in one
	 * key.
	 */
	static final String MINIMAL_GCRA = """
			local now = redis.call('TIME')
			local micros = now[1] * 1000000 + now[2]
			local interval = tonumber(ARGV[1])
			local tolerance = tonumber(ARGV[2])
			local tat = tonumber(redis.call('GET', KEYS[1])) or micros
			if tat < micros then tat = micros end
			if tat - micros > tolerance then return 0 end
			redis.call('SET', KEYS[1], tat + interval, 'PX', math.floor((tat + interval - micros) / 1000) + 1)
			return 1
			""";

	private static final byte[] KEY = "baseline".getBytes(StandardCharsets.US_ASCII);

	/**
	 * 1000 per second with a burst of 1000, as ours on distinct keys: every check
	 * allowed.
	 */
	private static final byte[][] GCRA_ARGUMENTS = { "1000".getBytes(StandardCharsets.US_ASCII),
			"999000".getBytes(StandardCharsets.US_ASCII) };

	private final RedisCalls calls = RedisCalls.withFixedDeadline(Duration.ofSeconds(5));

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private String sha;

	private byte[][][] scriptKeys;

	@Setup(Level.Trial)
	public void setUp() {
		this.client = Redis.client();
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.connection.sync().set(KEY, "{\"id\":\"admin\"}".getBytes(StandardCharsets.UTF_8));
		this.sha = this.connection.sync().scriptLoad(MINIMAL_GCRA.getBytes(StandardCharsets.UTF_8));
		this.scriptKeys = new byte[RedisRateLimitBenchmark.KEYS][][];
		for (int i = 0; i < this.scriptKeys.length; i++) {
			this.scriptKeys[i] = new byte[][] { ("raw:client-" + i).getBytes(StandardCharsets.US_ASCII) };
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.connection.close();
		this.client.shutdown();
	}

	@Benchmark
	public String ping() {
		return this.calls.await(commands().ping().toCompletableFuture(), "PING");
	}

	@Benchmark
	public byte[] get() {
		return this.calls.await(commands().get(KEY).toCompletableFuture(), "GET");
	}

	@Benchmark
	public Long rawScript() {
		byte[][] key = this.scriptKeys[ThreadLocalRandom.current().nextInt(this.scriptKeys.length)];
		return this.calls.await(
				commands().<Long>evalsha(this.sha, ScriptOutputType.INTEGER, key, GCRA_ARGUMENTS).toCompletableFuture(),
				"raw GCRA script");
	}

	/** Asked on each call, as ours asks its {@code RedisCommandSource}. */
	private RedisAsyncCommands<byte[], byte[]> commands() {
		return this.connection.async();
	}

}
