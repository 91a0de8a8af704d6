package io.github.redisstarter.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** An app on a Spring Boot line the starter was not built for stops at once, naming both versions. */
class BootVersionCheckTests {

	@Test
	void springBoot3StopsTheAppNamingTheVersionItNeeds() {
		assertThatIllegalStateException().isThrownBy(() -> BootVersionCheck.check("3.5.6"))
			.withMessage("redis-starter needs Spring Boot 4.0 or later, but this app runs Spring Boot 3.5.6: upgrade Spring"
					+ " Boot (spring-boot-starter-parent or the spring-boot-dependencies BOM) to 4.0.x or later, or remove"
					+ " redis-starter-autoconfigure");
	}

	@Test
	void springBoot4AndLaterAndAnUnknownVersionPass() {
		for (String version : new String[] { "4.0.7", "4.1.2", "5.0.0-M1", null, "", "unknown" }) {
			assertThatNoException().as(String.valueOf(version)).isThrownBy(() -> BootVersionCheck.check(version));
		}
	}

	@Test
	void theCheckRunsInEveryApp() {
		try (ConfigurableApplicationContext context = TestApp.run(Map.of(), "redis-starter.mode=memory")) {
			// It ran (registered in spring.factories) and let this Boot line pass.
			assertThat(SpringBootVersion.getVersion()).startsWith("4.");
			assertThat(context.isActive()).isTrue();
		}
		assertThat(org.springframework.core.io.support.SpringFactoriesLoader.forDefaultResourceLocation()
			.load(org.springframework.context.ApplicationContextInitializer.class))
			.anyMatch((initializer) -> initializer instanceof BootVersionCheck);
	}

}
