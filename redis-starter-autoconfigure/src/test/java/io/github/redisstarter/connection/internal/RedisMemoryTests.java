package io.github.redisstarter.connection.internal;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisMemoryTests {

	@Test
	void aFullRedisWithNoevictionHasNoRoomUntilATenthIsFree() {
		assertThat(memory(950, 1000, "noeviction").hasRoomForWrites()).isFalse();
		assertThat(memory(901, 1000, "noeviction").hasRoomForWrites()).isFalse();
		assertThat(memory(900, 1000, "noeviction").hasRoomForWrites()).isTrue();
		assertThat(memory(1200, 1000, "noeviction").hasRoomForWrites()).isFalse();
	}

	@Test
	void noLimitOrAnEvictingPolicyAlwaysHasRoom() {
		assertThat(memory(5000, 0, "noeviction").hasRoomForWrites()).isTrue();
		// Such a Redis sits at its limit by design: it makes room by evicting.
		assertThat(memory(1000, 1000, "allkeys-lru").hasRoomForWrites()).isTrue();
	}

	@Test
	void aClusterReplyIsJudgedByItsFullestNode() {
		Properties info = new Properties();
		info.setProperty("127.0.0.1:7000.used_memory", "100");
		info.setProperty("127.0.0.1:7000.maxmemory", "1000");
		info.setProperty("127.0.0.1:7000.maxmemory_policy", "noeviction");
		info.setProperty("127.0.0.1:7001.used_memory", "990");
		info.setProperty("127.0.0.1:7001.maxmemory", "1000");
		info.setProperty("127.0.0.1:7001.maxmemory_policy", "noeviction");
		RedisMemory memory = RedisMemory.of(info);
		assertThat(memory).isEqualTo(new RedisMemory(990, 1000, "noeviction"));
		assertThat(memory.hasRoomForWrites()).isFalse();
		assertThat(memory.describeShortage()).startsWith("OOM").contains("used_memory 990 of maxmemory 1000");
	}

	@Test
	void aReplyWithoutMemoryFiguresIsNoAnswer() {
		assertThat(RedisMemory.of(new Properties())).isNull();
	}

	private static RedisMemory memory(long used, long max, String policy) {
		Properties info = new Properties();
		info.setProperty("used_memory", String.valueOf(used));
		info.setProperty("used_memory_human", "whatever");
		info.setProperty("maxmemory", String.valueOf(max));
		info.setProperty("maxmemory_policy", policy);
		return RedisMemory.of(info);
	}

}
