package io.github.redisstarter.autoconfigure;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * An app on a Spring Boot line the starter was not built for stops at once, naming both
 * versions.
 */
class BootVersionCheckTests {

	@Test
	void springBoot3StopsTheAppNamingTheVersionItNeeds() {
		assertThatIllegalStateException().isThrownBy(() -> BootVersionCheck.check("3.5.6"))
			.withMessage(
					"redis-starter needs Spring Boot 4.0 or later, but this app runs Spring Boot 3.5.6: upgrade Spring"
							+ " Boot (spring-boot-starter-parent or the spring-boot-dependencies BOM) to 4.0.x or later, or remove"
							+ " redis-starter-autoconfigure");
	}

	/**
	 * The starter's jar (target/classes) on a real Spring Boot 3.5 class path, in a JVM
	 * of its own: the app stops at startup with the message, instead of failing later on
	 * a missing bean or starting with the starter inactive.
	 */
	@Test
	void aRealSpringBoot3AppStopsAtStartupWithTheMessage() throws Exception {
		Path boot3 = Path.of("target/spring-boot-3");
		assertThat(boot3.resolve("spring-boot-3.5.7.jar")).as("copied by maven-dependency-plugin").exists();
		String classPath = String.join(File.pathSeparator, "target/classes", "target/test-classes", boot3 + "/*");
		Path log = Files.createTempFile("boot3-app-", ".log");
		log.toFile().deleteOnExit();
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				classPath, Boot3App.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
		String output = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(process.isAlive()).as("the app stopped by itself:%n%s", output).isFalse();
		assertThat(output).contains(":: Spring Boot ::", "(v3.5.7)")
			.contains("redis-starter needs Spring Boot 4.0 or later, but this app runs Spring Boot 3.5.7")
			.doesNotContain("Started Boot3App");
		assertThat(process.exitValue()).isNotZero();
	}

	/** Run by the test above on Spring Boot 3.5; its code is what every Boot line has. */
	static final class Boot3App {

		public static void main(String[] args) {
			SpringApplication application = new SpringApplication(Boot3App.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			application.run(args).close();
		}

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
