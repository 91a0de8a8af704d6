package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A bare Boot app with every auto-configuration on the test classpath, started the way a
 * real app starts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApp {

	/**
	 * Starts an app with exactly these environment variables (the machine's are hidden)
	 * and command-line settings.
	 */
	static ConfigurableApplicationContext run(Map<String, String> environmentVariables, String... settings) {
		return runWith(new Class<?>[0], environmentVariables, settings);
	}

	/** {@link #run(Map, String...)} with the app's own configuration classes too. */
	static ConfigurableApplicationContext runWith(Class<?>[] configurations, Map<String, String> environmentVariables,
			String... settings) {
		return runWith(WebApplicationType.NONE, configurations, environmentVariables, settings);
	}

	/**
	 * {@link #runWith(Class[], Map, String...)} as a web app of {@code type}: on a free
	 * port when the settings say {@code server.port=0}.
	 */
	static ConfigurableApplicationContext runWith(WebApplicationType type, Class<?>[] configurations,
			Map<String, String> environmentVariables, String... settings) {
		List<String> args = new ArrayList<>();
		for (String setting : settings) {
			args.add("--" + setting);
		}
		args.add("--spring.main.banner-mode=off");
		args.add("--management.endpoint.health.show-details=always");
		List<Class<?>> sources = new ArrayList<>(List.of(configurations));
		sources.add(0, TestApp.class);
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(type)
			.environment(new EnvironmentWithVariables(environmentVariables))
			.run(args.toArray(String[]::new));
	}

	static ConfigurableApplicationContext run(String... settings) {
		return run(Map.of(), settings);
	}

	/** The details of the app's {@code redis} health component. */
	static Map<String, Object> redisHealthDetails(ConfigurableApplicationContext context) {
		return context.getBean("redisHealthContributor", HealthIndicator.class).health(true).getDetails();
	}

	/** A StandardEnvironment whose system environment is the given map. */
	static final class EnvironmentWithVariables extends StandardEnvironment {

		EnvironmentWithVariables(Map<String, String> variables) {
			getPropertySources().replace(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(variables)));
		}

	}

}
