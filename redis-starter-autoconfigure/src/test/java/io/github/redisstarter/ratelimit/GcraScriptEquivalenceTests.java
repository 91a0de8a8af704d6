package io.github.redisstarter.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory twin and the Redis script are one algorithm: over long random runs they
 * give the same reply, number for number, and store the same state. Time is the caller's,
 * so both see the same microseconds.
 */
class GcraScriptEquivalenceTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@ParameterizedTest
	@ValueSource(strings = { "3/1s", "7/13s", "5/3s", "10/1s,1000/1h", "999/1d", "2/1s,3/2s,7/9s" })
	void javaAndLuaAgreeOnEveryNumber(String bandsText) {
		List<GcraBand> bands = Arrays.stream(bandsText.split(","))
			.map(Band::parse)
			.map((b) -> GcraBand.of(b.permits(), b.period()))
			.toList();
		long smallest = bands.stream().mapToLong(GcraBand::permits).min().orElseThrow();
		long interval = bands.stream().mapToLong((b) -> b.periodMicros() / b.permits()).min().orElseThrow();
		Random random = new Random(bandsText.hashCode());
		byte[][] keys = new byte[bands.size()][];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = ("eq:{k}:" + i).getBytes(StandardCharsets.UTF_8);
		}
		long now = 1_795_000_000_123_457L;
		long[] state = null;
		try (RedisClient client = RedisClient.create(RedisURI.create(redis.server().url()));
				StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
			for (int step = 0; step < 400; step++) {
				now += (random.nextInt(4) == 0) ? 0 : (long) (random.nextDouble() * interval * 1.7);
				long cost = 1 + random.nextInt((int) Math.min(smallest, 4));
				boolean consume = random.nextInt(5) != 0;
				long[] next = new long[2 * bands.size()];
				long[] expected = Gcra.evaluate(bands, state, now, cost, consume, next);
				List<Long> actual = connection.sync()
					.eval(RedisRateLimiter.SCRIPT.body(), ScriptOutputType.MULTI, keys,
							arguments(bands, now, cost, consume));
				assertThat(actual).as("step %d at %d, cost %d, consume %s", step, now, cost, consume)
					.containsExactly(Arrays.stream(expected).boxed().toArray(Long[]::new));
				if (expected[Gcra.ALLOWED] == 1 && consume) {
					state = next;
					for (int i = 0; i < bands.size(); i++) {
						String stored = new String(connection.sync().get(keys[i]), StandardCharsets.US_ASCII);
						String mirrored = next[2 * i] + ((next[2 * i + 1] > 0) ? ":" + next[2 * i + 1] : "");
						assertThat(stored).as("state of band %d at step %d", i, step).isEqualTo(mirrored);
					}
				}
			}
		}
	}

	private static byte[][] arguments(List<GcraBand> bands, long now, long cost, boolean consume) {
		byte[][] arguments = new byte[3 + 4 * bands.size()][];
		arguments[0] = bytes(cost);
		arguments[1] = bytes(consume ? 1 : 0);
		arguments[2] = bytes(now);
		for (int i = 0; i < bands.size(); i++) {
			GcraBand band = bands.get(i);
			arguments[3 + 4 * i] = bytes(band.permitCost());
			arguments[4 + 4 * i] = bytes(band.scale());
			arguments[5 + 4 * i] = bytes(band.capacity());
			arguments[6 + 4 * i] = bytes(band.periodMicros());
		}
		return arguments;
	}

	private static byte[] bytes(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

}
