package io.github.redisstarter.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad setting stops startup with one clear report, and the password is nowhere in what
 * the app prints or throws.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidSettingStartupTests {

	private static final String PASSWORD = "hunter2-secret";

	@Test
	void malformedRedisUrl(CapturedOutput output) {
		assertThatThrownBy(() -> TestApp.run(Map.of("REDIS_URL", "redis://app:" + PASSWORD + "@my_redis:6379")))
			.isInstanceOf(InvalidRedisSettingException.class)
			.satisfies(ex -> assertNoSecretInChain(ex));
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("The Redis setting REDIS_URL is invalid")
			.contains("redis://app:******@my_redis:6379")
			.contains("contains '_'")
			.contains("redis://[[username]:password@]host[:port][/database]")
			.doesNotContain(PASSWORD);
	}

	@Test
	void portOutOfRange(CapturedOutput output) {
		assertThatThrownBy(() -> TestApp.run("spring.data.redis.port=0"))
			.isInstanceOf(InvalidRedisSettingException.class);
		assertThat(output.getAll()).contains("The Redis setting spring.data.redis.port is invalid")
			.contains("between 1 and 65535");
	}

	@Test
	void nonPositiveDurationsAreRejectedByPropertyName() {
		assertThatThrownBy(() -> TestApp.run("redis-starter.ping-timeout=0s"))
			.hasStackTraceContaining("redis-starter.ping-timeout must be a positive duration");
		assertThatThrownBy(() -> TestApp.run("redis-starter.command-timeout=-1s"))
			.hasStackTraceContaining("redis-starter.command-timeout must be a positive duration");
	}

	private static void assertNoSecretInChain(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
		}
	}

}
