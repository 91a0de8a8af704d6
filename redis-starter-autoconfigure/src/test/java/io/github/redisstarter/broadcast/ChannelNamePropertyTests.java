package io.github.redisstarter.broadcast;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.connection.internal.CallerText;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisKeyEncoding;
import io.github.redisstarter.hostile.HostileText;
import io.github.redisstarter.test.RedisServerExtension;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Channel names and patterns come from callers: a message reaches the channel it was
 * published on and no other, whatever the names hold; a name Redis could not carry is
 * refused by name; and a pattern matches within the instance exactly what Redis matches
 * (checked against Redis' own matcher, which KEYS shares with PSUBSCRIBE).
 */
class ChannelNamePropertyTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static final LettuceTestConnection connection = new LettuceTestConnection(redis);

	private final List<AutoCloseable> instances = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable instance : this.instances) {
			instance.close();
		}
	}

	@Test
	void aMessageReachesItsOwnChannelOnly() {
		BroadcastSettings settings = BroadcastSettings.defaults(JsonMapper.builder().build());
		RedisBroadcaster a = RedisBroadcasterTests.instance(connection, settings, BroadcastObserver.NONE,
				this.instances);
		RedisBroadcaster b = RedisBroadcasterTests.instance(connection, settings, BroadcastObserver.NONE,
				this.instances);
		InMemoryBroadcaster memory = new InMemoryBroadcaster(settings, BroadcastObserver.NONE);
		this.instances.add(memory);
		qt().withExamples(60).forAll(HostileText.distinctPairs()).checkAssert((pair) -> {
			for (String name : List.of(pair.first(), pair.second())) {
				if (name.isBlank() || !RedisKeyEncoding.isWellFormed(name)) {
					for (Broadcaster broadcaster : List.of(a, memory)) {
						assertThatIllegalArgumentException().isThrownBy(() -> broadcaster.publish(name, "x"))
							.withMessageContaining("'channel'");
						assertThatIllegalArgumentException()
							.isThrownBy(() -> broadcaster.subscribe(name, String.class, (channel, text) -> {
							}))
							.withMessageContaining("'channel'");
					}
					return;
				}
			}
			// Across Redis (published on one instance, heard on the other), and within
			// the in-memory twin.
			assertDelivery(a, b, pair.first(), pair.second(), true);
			assertDelivery(memory, memory, pair.first(), pair.second(), false);
		});
	}

	private static void assertDelivery(Broadcaster publisher, Broadcaster listener, String first, String second,
			boolean throughRedis) {
		List<String> onFirst = new CopyOnWriteArrayList<>();
		List<String> onSecond = new CopyOnWriteArrayList<>();
		Subscription one = listener.subscribe(first, String.class, (channel, text) -> onFirst.add(text));
		Subscription two = listener.subscribe(second, String.class, (channel, text) -> onSecond.add(text));
		try {
			if (throughRedis) {
				await().atMost(WAIT).until(() -> subscribers(first) == 1 && subscribers(second) == 1);
			}
			publisher.publish(second, "to-second");
			publisher.publish(first, "to-first");
			await().atMost(WAIT).until(() -> onFirst.size() + onSecond.size() >= 2);
			assertThat(onFirst).containsExactly("to-first");
			assertThat(onSecond).containsExactly("to-second");
		}
		finally {
			one.close();
			two.close();
		}
	}

	private static long subscribers(String channel) {
		return connection.async().pubsubNumsub(bytes(channel)).toCompletableFuture().join().values().iterator().next();
	}

	@Test
	void aPatternMatchesWhatRedisMatches() {
		qt().withExamples(1500)
			.forAll(text("ab*?[]^-\\é", 8), text("ab-]^\\[é*?", 6))
			.checkAssert((pattern, channel) -> {
				byte[] key = bytes(channel);
				connection.async().set(key, key).toCompletableFuture().join();
				try {
					boolean redisMatches = keys(bytes(pattern)).size() == 1;
					assertThat(GlobPattern.compile(pattern).matches(channel))
						.as("%s against %s", CallerText.quote(pattern), CallerText.quote(channel))
						.isEqualTo(redisMatches);
				}
				finally {
					connection.async().del(key).toCompletableFuture().join();
				}
			});
	}

	/** Non-empty text of up to {@code maxLength} of these characters. */
	private static Gen<String> text(String characters, int maxLength) {
		List<String> chars = characters.chars().mapToObj((c) -> String.valueOf((char) c)).toList();
		return lists().of(Generate.pick(chars)).ofSizeBetween(1, maxLength).map((parts) -> String.join("", parts));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * KEYS with a pattern of raw bytes: Lettuce 7 (Spring Boot 4.1) takes the pattern of
	 * keys() as a String.
	 */
	private static List<Object> keys(byte[] pattern) {
		return connection.async()
			.dispatch(CommandType.KEYS, new ArrayOutput<>(ByteArrayCodec.INSTANCE),
					new CommandArgs<>(ByteArrayCodec.INSTANCE).add(pattern))
			.toCompletableFuture()
			.join();
	}

}
