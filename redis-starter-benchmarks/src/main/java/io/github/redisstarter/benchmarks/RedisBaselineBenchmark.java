package io.github.redisstarter.benchmarks;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
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
 * The physical limit of one round trip: a bare Lettuce PING and GET on the same kind of
 * connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisBaselineBenchmark {

	private static final byte[] KEY = "baseline".getBytes();

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	@Setup(Level.Trial)
	public void setUp() {
		this.client = Redis.client();
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.connection.sync().set(KEY, "{\"id\":\"admin\"}".getBytes());
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.connection.close();
		this.client.shutdown();
	}

	@Benchmark
	public String ping() {
		return this.connection.sync().ping();
	}

	@Benchmark
	public byte[] get() {
		return this.connection.sync().get(KEY);
	}

}
