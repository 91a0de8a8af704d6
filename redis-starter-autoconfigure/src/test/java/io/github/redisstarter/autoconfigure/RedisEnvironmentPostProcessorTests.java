package io.github.redisstarter.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisEnvironmentPostProcessorTests {

	@Test
	void eachVariableAliasesItsSpringProperty() {
		StandardEnvironment environment = process(Map.of("REDIS_URL", "rediss://u:p@h:6380/1", "REDIS_HOST", "h2",
				"REDIS_PORT", "6390", "REDIS_PASSWORD", "pw", "REDIS_TLS", "on"), Map.of());
		assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("rediss://u:p@h:6380/1");
		assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("h2");
		assertThat(environment.getProperty("spring.data.redis.port")).isEqualTo("6390");
		assertThat(environment.getProperty("spring.data.redis.password")).isEqualTo("pw");
		assertThat(environment.getProperty("spring.data.redis.ssl.enabled")).isEqualTo("true");
	}

	@Test
	void clusterAndSentinelVariablesAliasTheirSpringProperties() {
		StandardEnvironment environment = process(Map.of("REDIS_CLUSTER_NODES", "h1:7000,h2:7001",
				"REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379,s2:26379"), Map.of());
		assertThat(environment.getProperty("spring.data.redis.cluster.nodes")).isEqualTo("h1:7000,h2:7001");
		assertThat(environment.getProperty("spring.data.redis.sentinel.master")).isEqualTo("mymaster");
		assertThat(environment.getProperty("spring.data.redis.sentinel.nodes")).isEqualTo("s1:26379,s2:26379");
	}

	@Test
	void clusterTopologyRefreshIsOnByDefaultAndTheAppsOwnSettingsWin() {
		StandardEnvironment defaults = process(Map.of(), Map.of());
		assertThat(defaults.getProperty("spring.data.redis.lettuce.cluster.refresh.adaptive")).isEqualTo("true");
		assertThat(defaults.getProperty("spring.data.redis.lettuce.cluster.refresh.period")).isEqualTo("30s");
		StandardEnvironment own = process(Map.of(), Map.of("spring.data.redis.lettuce.cluster.refresh.adaptive",
				"false", "spring.data.redis.lettuce.cluster.refresh.period", "5s"));
		assertThat(own.getProperty("spring.data.redis.lettuce.cluster.refresh.adaptive")).isEqualTo("false");
		assertThat(own.getProperty("spring.data.redis.lettuce.cluster.refresh.period")).isEqualTo("5s");
	}

	@Test
	void blankVariablesAreIgnored() {
		StandardEnvironment environment = process(Map.of("REDIS_URL", " ", "REDIS_TLS", ""), Map.of());
		assertThat(environment.getPropertySources().contains(RedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
		assertThat(environment.containsProperty("spring.data.redis.url")).isFalse();
	}

	@Test
	void explicitPropertiesWin() {
		StandardEnvironment environment = process(Map.of("REDIS_PORT", "6390", "REDIS_PASSWORD", "from-env"),
				Map.of("spring.data.redis.port", "7000", "spring.data.redis.password", "explicit"));
		assertThat(environment.getProperty("spring.data.redis.port")).isEqualTo("7000");
		assertThat(environment.getProperty("spring.data.redis.password")).isEqualTo("explicit");
	}

	@Test
	void anExplicitHostIsNotOverriddenByRedisUrl() {
		StandardEnvironment environment = process(Map.of("REDIS_URL", "redis://elsewhere:6379"),
				Map.of("spring.data.redis.host", "explicit-host"));
		assertThat(environment.containsProperty("spring.data.redis.url")).isFalse();
	}

	@Test
	void redisPasswordIsCarriedPercentEncodedIntoAUrlWithoutCredentials() {
		StandardEnvironment environment = process(
				Map.of("REDIS_URL", "redis://host:6379/2", "REDIS_PASSWORD", "p@ss w:rd"), Map.of());
		assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://:p%40ss%20w%3Ard@host:6379/2");
	}

	@Test
	void aRedisUrlWithoutPortGetsTheDefaultOne() {
		assertThat(process(Map.of("REDIS_URL", "redis://host"), Map.of()).getProperty("spring.data.redis.url"))
			.isEqualTo("redis://host:6379");
		assertThat(process(Map.of("REDIS_URL", "rediss://u:p@host/4", "REDIS_PASSWORD", "x"), Map.of())
			.getProperty("spring.data.redis.url")).isEqualTo("rediss://u:p@host:6379/4");
		assertThat(process(Map.of("REDIS_URL", "redis://[::1]", "REDIS_PASSWORD", "x"), Map.of())
			.getProperty("spring.data.redis.url")).isEqualTo("redis://:x@[::1]:6379");
	}

	@Test
	void anExplicitUrlWithoutPortIsReportedRatherThanLeftToFailObscurely() {
		assertThatThrownBy(() -> process(Map.of(), Map.of("spring.data.redis.url", "redis://:pw@host/1")))
			.isInstanceOfSatisfying(InvalidRedisSettingException.class,
					ex -> assertThat(ex.getSetting()).isEqualTo("spring.data.redis.url"))
			.hasMessageContaining("names no port")
			.hasMessageContaining("the port is required here")
			.hasMessageNotContaining(":pw@");
	}

	@Test
	void aUrlWithCredentialsKeepsThem() {
		StandardEnvironment environment = process(
				Map.of("REDIS_URL", "redis://user:own@host:6379", "REDIS_PASSWORD", "other"), Map.of());
		assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://user:own@host:6379");
	}

	@Test
	void malformedRedisUrlNamesTheVariableMasksThePasswordAndGivesTheForm() {
		assertThatThrownBy(() -> process(Map.of("REDIS_URL", "redis://app:hunter2@host:99999"), Map.of()))
			.isInstanceOfSatisfying(InvalidRedisSettingException.class, ex -> {
				assertThat(ex.getSetting()).isEqualTo("REDIS_URL");
				assertThat(ex.getMaskedValue()).isEqualTo("redis://app:******@host:99999");
				assertThat(ex.getReason()).contains("99999");
				assertThat(ex.getAcceptedForm()).contains("redis://[[username]:password@]host[:port][/database]");
			})
			.hasMessageNotContaining("hunter2");
	}

	@Test
	void unknownSchemeIsRejected() {
		assertThatThrownBy(() -> process(Map.of("REDIS_URL", "http://s3cret@host:6379"), Map.of()))
			.hasMessageContaining("scheme 'http'")
			.hasMessageNotContaining("s3cret");
	}

	@Test
	void malformedSpringUrlNamesTheProperty() {
		assertThatThrownBy(() -> process(Map.of(), Map.of("spring.data.redis.url", "redis://:pw@host:port")))
			.isInstanceOfSatisfying(InvalidRedisSettingException.class,
					ex -> assertThat(ex.getSetting()).isEqualTo("spring.data.redis.url"))
			.hasMessageContaining("'port' is not a number")
			.hasMessageNotContaining(":pw@");
	}

	@Test
	void badPortNamesTheSettingItCameFrom() {
		assertThatThrownBy(() -> process(Map.of("REDIS_PORT", "63 79"), Map.of()))
			.isInstanceOfSatisfying(InvalidRedisSettingException.class,
					ex -> assertThat(ex.getSetting()).isEqualTo("REDIS_PORT"))
			.hasMessageContaining("between 1 and 65535");
		assertThatThrownBy(() -> process(Map.of(), Map.of("spring.data.redis.port", "70000"))).isInstanceOfSatisfying(
				InvalidRedisSettingException.class,
				ex -> assertThat(ex.getSetting()).isEqualTo("spring.data.redis.port"));
	}

	@Test
	void badTlsFlagIsRejectedWithTheAcceptedValues() {
		assertThatThrownBy(() -> process(Map.of("REDIS_TLS", "maybe"), Map.of()))
			.isInstanceOfSatisfying(InvalidRedisSettingException.class,
					ex -> assertThat(ex.getSetting()).isEqualTo("REDIS_TLS"))
			.hasMessageContaining("true or false");
	}

	private static StandardEnvironment process(Map<String, String> variables, Map<String, Object> properties) {
		StandardEnvironment environment = new TestApp.EnvironmentWithVariables(variables);
		environment.getPropertySources().addFirst(new MapPropertySource("explicit", new LinkedHashMap<>(properties)));
		new RedisEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
