package io.github.redisstarter.autoconfigure;

import java.util.Map;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each configuration mistake an operator can make gets one clear message at startup,
 * naming the setting and what it accepts, and never the password: a setting that cannot
 * work stops startup with one failure report; a server that cannot be used (wrong
 * password, TLS mismatch) gets one error line and the in-memory twins. The wrong
 * password, the missing one and TLS to a plain-text port are in
 * {@link StartupDecisionTests}; plain text to a TLS port is here.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationMistakeTests {

	private static final String PASSWORD = "mistake-pw-42";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(PASSWORD).tls());

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
			"malformed REDIS_URL|REDIS_URL=redis://app:mistake-pw-42@my_redis:6379|REDIS_URL|contains '_'",
			"unknown scheme|REDIS_URL=http://app:mistake-pw-42@cache:6379|REDIS_URL|scheme 'http'",
			"port out of range|spring.data.redis.port=70000|spring.data.redis.port|between 1 and 65535",
			"unknown mode|redis-starter.mode=sometimes|redis-starter.mode|MEMORY",
			"rate-limit band|redis-starter.rate-limit.limits.api.bands=ten per second|redis-starter.rate-limit.limits.api|10/1s",
			"rate-limit outage policy|redis-starter.rate-limit.limits.api.outage-policy=retry|redis-starter.rate-limit.limits.api.outage-policy|FAIL_OPEN",
			"negative TTL|redis-starter.cache.ttl=-5m|redis-starter.cache.ttl|positive durations",
			"negative TTL of one cache|redis-starter.cache.caches.roles.ttl=-1s|redis-starter.cache.caches.roles.ttl|positive durations",
			"zero call deadline|redis-starter.call-deadline=0ms|redis-starter.call-deadline|positive duration",
			"longest deadline below the shortest|redis-starter.max-call-deadline=50ms|redis-starter.max-call-deadline|at least redis-starter.call-deadline",
			"longest wait to return below the shortest|redis-starter.max-return-after=100ms|redis-starter.max-return-after|at least redis-starter.return-after",
			"zero message size|redis-starter.broadcast.max-message-size=0B|redis-starter.broadcast.max-message-size|64KB",
			"no listener threads|redis-starter.broadcast.listener-threads=0|redis-starter.broadcast.listener-threads|positive counts",
			"no in-memory rate-limit keys|redis-starter.rate-limit.memory-max-keys=0|redis-starter.rate-limit.memory-max-keys|positive memory-max-keys",
			"negative deny cache|redis-starter.rate-limit.deny-cache-size=-1|redis-starter.rate-limit.deny-cache-size|0 (off) or more",
			"rate-limit prefix with a brace|redis-starter.rate-limit.key-prefix=a{b|redis-starter.rate-limit.key-prefix|without '{' or '}'",
			"cache prefix with a space|redis-starter.cache.key-prefix=my cache|redis-starter.cache.key-prefix|1 to 64 letters",
			"too short a subscription lease|redis-starter.subscription-lease=1ms|redis-starter.subscription-lease|at least 4ms",
			"zero command timeout|redis-starter.command-timeout=0s|redis-starter.command-timeout|positive durations" })
	void aSettingThatCannotWorkStopsStartupWithOneReport(String mistake, String setting, String property,
			String accepted, CapturedOutput output) {
		String[] parts = setting.split("=", 2);
		Map<String, String> environment = parts[0].equals("REDIS_URL") ? Map.of("REDIS_URL", parts[1]) : Map.of();
		String[] settings = environment.isEmpty() ? new String[] { setting } : new String[0];
		assertThatThrownBy(() -> TestApp.run(environment, settings)).satisfies((failure) -> {
			for (Throwable t = failure; t != null; t = t.getCause()) {
				assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
			}
		});
		String all = output.getAll();
		assertThat(all.split("APPLICATION FAILED TO START", -1)).as("one failure report").hasSize(2);
		String report = all.substring(all.indexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains(property).containsIgnoringCase(accepted);
		assertThat(all).doesNotContain(PASSWORD);
	}

	@Test
	void aRoleCacheWithoutARoleLoaderStopsStartupNamingTheRoleLoader(CapturedOutput output) {
		assertThatThrownBy(() -> TestApp.runWith(new Class<?>[] { NeedsRoleCache.class }, Map.of()))
			.isInstanceOf(Exception.class);
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("A RoleCache was asked for, but none exists")
			.contains("RoleLoader<Role> roleLoader(RoleRepository repository)")
			.doesNotContain("Consider defining a bean of type 'io.github.redisstarter.cache.RoleCache'");
	}

	/** An app that injects the role cache and declares no RoleLoader. */
	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class NeedsRoleCache {

		@org.springframework.context.annotation.Bean
		String usesRoles(io.github.redisstarter.cache.RoleCache<?> roles) {
			return "uses " + roles;
		}

	}

	@Test
	void aSettingNoLongerUsedIsNamedInOneWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of(), "redis-starter.deadline-misses=3")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(
				output.getAll().lines().filter((line) -> line.contains(" WARN ") && line.contains("deadline-misses")))
			.singleElement()
			.asString()
			.contains("no longer used")
			.contains("redis-starter.call-deadline");
	}

	@Test
	void plainTextToATlsPortFallsBackWithOneErrorSayingSo(CapturedOutput output) {
		try (ConfigurableApplicationContext context = TestApp.run(
				Map.of("REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + redis.server().tlsPort()),
				"redis-starter.ping-timeout=1s")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.MEMORY);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement().asString().contains("rediss://");
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

}
