package io.github.redisstarter.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stops an app on a Spring Boot line the starter was not built for, before any bean is
 * made. On Spring Boot 3 the starter's auto-configuration (written for Boot 4's modules)
 * would be skipped or half applied, and the app would fail later with "required a bean of
 * type RateLimiter", or start with the starter silently inactive. Uses only types that
 * every Boot line has, and is registered under a key that every Boot line reads.
 */
class BootVersionCheck implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** The first Spring Boot major version the starter supports. */
	static final int REQUIRED_MAJOR = 4;

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		check(SpringBootVersion.getVersion());
	}

	/**
	 * @param version the running Spring Boot version, or {@code null} when unknown (then
	 * nothing is checked)
	 * @throws IllegalStateException naming the running and the required version
	 */
	static void check(@Nullable String version) {
		if (version == null || version.isBlank()) {
			return;
		}
		int major;
		try {
			major = Integer
				.parseInt(version.substring(0, (version.indexOf('.') > 0) ? version.indexOf('.') : version.length()));
		}
		catch (NumberFormatException ex) {
			return;
		}
		if (major < REQUIRED_MAJOR) {
			throw new IllegalStateException("redis-starter needs Spring Boot " + REQUIRED_MAJOR
					+ ".0 or later, but this app runs Spring Boot " + version
					+ ": upgrade Spring Boot (spring-boot-starter-parent or the spring-boot-dependencies BOM) to "
					+ REQUIRED_MAJOR + ".0.x or later, or remove redis-starter-autoconfigure");
		}
	}

}
