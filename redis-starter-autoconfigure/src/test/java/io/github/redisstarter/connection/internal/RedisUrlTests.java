package io.github.redisstarter.connection.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisUrlTests {

	@Test
	void acceptsEveryDocumentedForm() {
		assertThat(RedisUrl.parse("redis://localhost:6379"))
			.isEqualTo(new RedisUrl(false, "localhost", 6379, 0, false));
		assertThat(RedisUrl.parse("rediss://app:p%40ss@redis.example.com:6380/3"))
			.isEqualTo(new RedisUrl(true, "redis.example.com", 6380, 3, true));
		assertThat(RedisUrl.parse("redis://:pw@10.0.0.1")).isEqualTo(new RedisUrl(false, "10.0.0.1", -1, 0, true));
		assertThat(RedisUrl.parse("redis://[::1]:6379/")).isEqualTo(new RedisUrl(false, "[::1]", 6379, 0, false));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"',
			value = { "\"\"|blank", "redis//host|no scheme", "http://host:80|scheme 'http'",
					"redis://:secret@host:70000|70000", "redis://:secret@host:abc|'abc' is not a number",
					"redis://:secret@my_host:6379|contains '_'", "redis://host:6379/db1|database 'db1'",
					"redis://:p%zz@host|not a valid URL", "redis:///0|no host",
					"redis://:secret@x@host:6379|percent-encode it as %40" })
	void rejectsWithAReasonThatNeverRepeatsTheSecret(String url, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisUrl.parse(url))
			.withMessageContaining(reason)
			.withMessageNotContaining("secret");
	}

}
