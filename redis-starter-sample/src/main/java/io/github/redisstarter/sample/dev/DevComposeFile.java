package io.github.redisstarter.sample.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points Spring Boot's Docker Compose support (on in the {@code dev} profile) at the
 * repository's {@code docker/docker-compose.yml}, whether the sample runs in its module
 * directory (as {@code spring-boot:run} does) or in the repository root. Does nothing
 * when Docker Compose support is off or {@code spring.docker.compose.file} is set, or
 * when neither directory holds the file (Boot then looks for a {@code compose.yaml} of
 * its own and says so if there is none).
 */
class DevComposeFile implements EnvironmentPostProcessor {

	static final String FILE_PROPERTY = "spring.docker.compose.file";

	static final Path COMPOSE_FILE = Path.of("docker", "docker-compose.yml");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		if (!binder.bind("spring.docker.compose.enabled", Boolean.class).orElse(true)
				|| binder.bind(FILE_PROPERTY, Bindable.listOf(String.class)).isBound()) {
			return;
		}
		Path directory = Path.of("").toAbsolutePath();
		for (Path candidate : new Path[] { directory, directory.getParent() }) {
			Path file = (candidate != null) ? candidate.resolve(COMPOSE_FILE) : null;
			if (file != null && Files.isRegularFile(file)) {
				environment.getPropertySources()
					.addLast(new MapPropertySource("sampleDevComposeFile", Map.of(FILE_PROPERTY, file.toString())));
				return;
			}
		}
	}

}
