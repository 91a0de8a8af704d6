package io.github.redisstarter.sample.dev;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.docker.compose.core.DockerNotRunningException;
import org.springframework.boot.docker.compose.core.DockerProcessStartException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Explains a startup that Spring Boot's Docker Compose support stopped (the {@code dev}
 * profile, application-dev.yml): Docker not found on the PATH, Docker Compose missing,
 * the Docker engine not running, or a docker command that failed. Says what the profile
 * needed Docker for and what to do instead. Without the module on the classpath (a
 * packaged jar leaves it out) it explains nothing.
 */
class DockerFailureAnalyzer implements FailureAnalyzer {

	private static final boolean DOCKER_COMPOSE_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.docker.compose.core.DockerException",
			DockerFailureAnalyzer.class.getClassLoader());

	/** Boot's own, package-private: a docker command that ran and failed. */
	private static final String PROCESS_EXIT_EXCEPTION = "org.springframework.boot.docker.compose.core.ProcessExitException";

	private static final String WITHOUT_DEV = "Or run the sample without the 'dev' profile: on a Redis of your own with "
			+ "REDIS_URL=redis://localhost:6379, or with nothing set on the in-memory twins.";

	private final Environment environment;

	DockerFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		return DOCKER_COMPOSE_PRESENT ? Causes.analyze(failure, describeNeed()) : null;
	}

	/** What asked for Docker: "The 'dev' profile starts Redis from ...". */
	private String describeNeed() {
		String who = this.environment.matchesProfiles("dev") ? "The 'dev' profile"
				: "Docker Compose support (spring.docker.compose.enabled=true)";
		List<String> files = Binder.get(this.environment)
			.bind(DevComposeFile.FILE_PROPERTY, Bindable.listOf(String.class))
			.orElse(List.of());
		String from = files.isEmpty() ? "a compose file" : String.join(" and ", files);
		return who + " starts Redis from " + from + " with Spring Boot's Docker Compose support";
	}

	/** Touches the Docker Compose classes only once they are known to be there. */
	private static final class Causes {

		static @Nullable FailureAnalysis analyze(Throwable failure, String need) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				if (cause instanceof DockerProcessStartException) {
					return notInstalled(cause, need);
				}
				if (cause instanceof DockerNotRunningException notRunning) {
					return new FailureAnalysis(
							need + ", which needs a running Docker engine, but the Docker engine "
									+ "is not running: docker says \"" + firstLine(notRunning.getErrorOutput()) + "\".",
							"Start Docker (Docker Desktop, or 'sudo systemctl start docker' on Linux) and run the "
									+ "same command again; if the engine runs elsewhere, point DOCKER_HOST at it.\n"
									+ WITHOUT_DEV,
							cause);
				}
				if (cause.getClass().getName().equals(PROCESS_EXIT_EXCEPTION)) {
					return new FailureAnalysis(
							need + ", but a docker command failed:\n\n" + withoutEmptyStdout(cause.getMessage()),
							"Correct what docker reports. If the host port is taken (a Redis of your own on 6379?), "
									+ "publish the container on another one: set REDIS_HOST_PORT=6380 and run the same "
									+ "command again.\n" + WITHOUT_DEV,
							cause);
				}
			}
			return null;
		}

		/**
		 * Boot looks for {@code docker}, then for {@code docker compose} or
		 * {@code docker-compose}; the message of its exception tells which was missing.
		 */
		private static FailureAnalysis notInstalled(Throwable cause, String need) {
			if (String.valueOf(cause.getMessage()).contains("docker-compose")) {
				return new FailureAnalysis(
						need + ", which runs 'docker compose' (or 'docker-compose'), but "
								+ "neither could be run: Docker Compose is not installed.",
						"Install Docker Compose (https://docs.docker.com/compose/install/) and run the same command "
								+ "again.\n" + WITHOUT_DEV,
						cause);
			}
			return new FailureAnalysis(
					need + ", which runs the 'docker' command, but Docker was not found: no 'docker' on the PATH.",
					"Install Docker (https://docs.docker.com/get-docker/), start it, and run the same command again "
							+ "(with 'docker' on the PATH).\n" + WITHOUT_DEV,
					cause);
		}

		/**
		 * Boot's message: "'docker ...' failed with exit code 1.", then the command's
		 * stdout and stderr under headings; an empty stdout is left out.
		 */
		private static String withoutEmptyStdout(@Nullable String message) {
			return String.valueOf(message).strip().replaceFirst("\\n\\nStdout:\\n\\s*\\nStderr:\\n", "\n\n");
		}

		private static String firstLine(String text) {
			return text.strip().lines().findFirst().orElse("");
		}

	}

}
