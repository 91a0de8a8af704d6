package io.github.redisstarter.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.redisstarter.sample.SampleProcess.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "dev" profile starts Redis with Spring Boot's Docker Compose support
 * (application-dev.yml). Where Docker is missing, the sample stops with one message that
 * names the cause and what to do instead; without the profile it never runs docker. A
 * fake docker CLI, a shell script that records its calls, answers where a test needs a
 * given answer. No test here starts a container.
 */
class DevProfileTests {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	private static final String COMPOSE_FILE = MODULE.getParent().resolve("docker/docker-compose.yml").toString();

	private static final String DEV = "--spring.profiles.active=dev";

	private static final String NEED = "The 'dev' profile starts Redis from " + COMPOSE_FILE
			+ " with Spring Boot's Docker Compose support";

	private static final String WITHOUT_DEV = "Or run the sample without the 'dev' profile: on a Redis of your own "
			+ "with REDIS_URL=redis://localhost:6379, or with nothing set on the in-memory twins.";

	/**
	 * docker 28.2.2 as this machine's CLI answers: with FAKE_DOCKER_ENGINE=down, without
	 * an engine (`docker version` prints the client's version, then fails); with
	 * FAKE_DOCKER_ENGINE=without-compose, without the Compose plugin; otherwise with an
	 * engine on which host port 6379 is taken, so that `docker compose up` fails.
	 */
	private static final String FAKE_DOCKER = """
			#!/bin/sh
			printf '%s\\n' "$*" >> "${0%/*}/calls"
			if [ "$FAKE_DOCKER_ENGINE" = down ]; then
			  if [ "$1" = version ]; then echo 28.2.2; fi
			  echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2
			  exit 1
			fi
			if [ "$FAKE_DOCKER_ENGINE" = without-compose ] && [ "$1" = compose ]; then
			  printf 'unknown flag: --format\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n' >&2
			  exit 125
			fi
			case "$*" in
			  'version --format {{.Client.Version}}') echo 28.2.2 ;;
			  'compose version --format json') echo '{"version":"v2.36.2"}' ;;
			  'context ls --format={{ json . }}') echo '{"Current":true,"DockerEndpoint":"unix:///var/run/docker.sock"}' ;;
			  *' config --format=json') echo '{"name":"docker","services":{"redis":{"image":"redis:7-alpine"}}}' ;;
			  *' ps '*) ;;
			  *' up '*) echo 'Error response from daemon: Bind for 0.0.0.0:6379 failed: port is already allocated' >&2; exit 1 ;;
			  *) echo "fake docker: unexpected $*" >&2; exit 1 ;;
			esac
			""";

	@TempDir
	Path bin;

	@Test
	@SuppressWarnings("unchecked")
	void theComposeFileKeepsTheSeedsAppendOnlyFileAndHealthcheck() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Path.of(COMPOSE_FILE)));
		Map<String, Object> redis = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("redis");
		assertThat((String) redis.get("command")).isEqualTo("redis-server --appendonly yes");
		assertThat((Iterable<String>) redis.get("volumes")).containsExactly("redis-data:/data");
		assertThat((Map<String, Object>) compose.get("volumes")).containsKey("redis-data");
		assertThat((Map<String, Object>) redis.get("healthcheck"))
			.containsEntry("test", List.of("CMD", "redis-cli", "ping"))
			.containsEntry("interval", "10s")
			.containsEntry("timeout", "5s")
			.containsEntry("retries", 5);
	}

	@Test
	@DisabledOnOs(value = OS.MAC, disabledReason = "On macOS Boot also tries /usr/local/bin/docker")
	void withoutDockerOnThePathTheDevProfileStopsAndSaysSo() throws Exception {
		// Run from the repository root: the compose file is found from there too.
		Exit exit = SampleProcess.runUntilExit(MODULE.getParent(), Map.of("PATH", this.bin.toString()), DEV);
		assertStoppedWithOneMessage(exit,
				NEED + ", which runs the 'docker' command, but Docker was not found: no 'docker' on the PATH.");
		assertThat(exit.output()).contains("Install Docker (https://docs.docker.com/get-docker/), start it, and run "
				+ "the same command again (with 'docker' on the PATH).");
	}

	@Test
	void withDockerButNoEngineTheDevProfileStopsAndSaysSo() throws Exception {
		Path calls = fakeDocker();
		Exit exit = SampleProcess.runUntilExit(MODULE,
				Map.of("PATH", this.bin.toString(), "FAKE_DOCKER_ENGINE", "down"), DEV);
		assertStoppedWithOneMessage(exit, NEED + ", which needs a running Docker engine, but the Docker engine is "
				+ "not running: docker says \"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
				+ "Is the docker daemon running?\".");
		assertThat(exit.output()).contains("Start Docker (Docker Desktop, or 'sudo systemctl start docker' on Linux) "
				+ "and run the same command again; if the engine runs elsewhere, point DOCKER_HOST at it.");
		assertThat(Files.readAllLines(calls)).containsExactly("version --format {{.Client.Version}}");
	}

	@Test
	void withoutDockerComposeTheDevProfileStopsAndSaysSo() throws Exception {
		Path calls = fakeDocker();
		Exit exit = SampleProcess.runUntilExit(MODULE,
				Map.of("PATH", this.bin.toString(), "FAKE_DOCKER_ENGINE", "without-compose"), DEV);
		assertStoppedWithOneMessage(exit, NEED + ", which runs 'docker compose' (or 'docker-compose'), but neither "
				+ "could be run: Docker Compose is not installed.");
		assertThat(exit.output()).contains("Install Docker Compose (https://docs.docker.com/compose/install/)");
		assertThat(Files.readAllLines(calls)).containsExactly("version --format {{.Client.Version}}",
				"compose version --format json");
	}

	@Test
	void withTheRealDockerCliAndNoEngineAtDockerHostTheDevProfileStopsAndSaysSo() throws Exception {
		assumeTrue(
				Stream.of(System.getenv("PATH").split(File.pathSeparator))
					.anyMatch((directory) -> Files.isExecutable(Path.of(directory, "docker"))),
				"no docker CLI on the PATH");
		Exit exit = SampleProcess.runUntilExit(MODULE, Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"), DEV);
		assertStoppedWithOneMessage(exit, NEED + ", which needs a running Docker engine, but the Docker engine is "
				+ "not running: docker says \"Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. "
				+ "Is the docker daemon running?\".");
	}

	@Test
	void whenDockerComposeUpFailsTheDevProfileStopsWithWhatDockerSaid() throws Exception {
		Path calls = fakeDocker();
		Exit exit = SampleProcess.runUntilExit(MODULE, Map.of("PATH", this.bin.toString()), DEV);
		assertStoppedWithOneMessage(exit, NEED + ", but a docker command failed:");
		assertThat(exit.output()).contains("port is already allocated")
			.contains("set REDIS_HOST_PORT=6380 and run the same command again.");
		// Boot ran `docker compose up` on the repository's compose file.
		assertThat(Files.readAllLines(calls))
			.contains("compose --file " + COMPOSE_FILE + " --ansi never up --no-color --detach --wait");
	}

	@Test
	void withoutTheDevProfileTheSampleNeverRunsDocker() throws Exception {
		Path calls = fakeDocker();
		try (SampleProcess sample = SampleProcess
			.start(Map.of("PATH", this.bin + File.pathSeparator + System.getenv("PATH")))) {
			assertThat(sample.getJson("/actuator/health").path("status").asString()).isEqualTo("UP");
		}
		assertThat(calls).doesNotExist();
	}

	private Path fakeDocker() throws IOException {
		Path docker = this.bin.resolve("docker");
		Files.writeString(docker, FAKE_DOCKER);
		Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
		return this.bin.resolve("calls");
	}

	private static void assertStoppedWithOneMessage(Exit exit, String description) {
		assertThat(exit.code()).as(exit.output()).isEqualTo(1);
		assertThat(exit.output().split(java.util.regex.Pattern.quote(description), -1)).as(exit.output()).hasSize(2);
		assertThat(exit.output()).contains("APPLICATION FAILED TO START").contains(WITHOUT_DEV);
		// Nothing hides the message: no stack trace, no exception's name.
		assertThat(exit.output().lines().filter((line) -> line.startsWith("\tat ") || line.contains("Exception")))
			.as(exit.output())
			.isEmpty();
	}

}
