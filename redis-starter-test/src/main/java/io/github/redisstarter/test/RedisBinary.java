package io.github.redisstarter.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a redis-server executable: the machine's own on PATH, or the one shipped in the
 * embedded-redis artifact.
 */
final class RedisBinary {

	private static Path extracted;

	private static final java.util.Map<Path, Integer> majorVersions = new java.util.concurrent.ConcurrentHashMap<>();

	private RedisBinary() {
	}

	static Optional<Path> onPath() {
		String path = System.getenv().getOrDefault("PATH", "");
		return Stream.concat(Stream.of(path.split(java.io.File.pathSeparator)), Stream.of("/usr/bin", "/usr/local/bin"))
			.filter(dir -> !dir.isBlank())
			.map(dir -> Path.of(dir, "redis-server"))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/**
	 * Extracts the binary that {@code com.github.codemonstur:embedded-redis} ships for
	 * this OS and CPU, once per JVM.
	 */
	static synchronized Path embedded() {
		if (extracted != null) {
			return extracted;
		}
		String resource = embeddedResourceName();
		try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("The embedded-redis artifact has no binary '" + resource
						+ "' for this machine; install redis-server or run Docker");
			}
			Path dir = Files.createTempDirectory("redis-starter-embedded-");
			Path binary = dir.resolve("redis-server");
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
			Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
			binary.toFile().deleteOnExit();
			dir.toFile().deleteOnExit();
			extracted = binary;
			return binary;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract the embedded redis-server", ex);
		}
	}

	/**
	 * The major version a binary reports ({@code redis-server --version}), asked once per
	 * binary; 0 if unknown.
	 */
	static int majorVersion(Path binary) {
		return majorVersions.computeIfAbsent(binary, (path) -> {
			try {
				Process process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
				String output = new String(process.getInputStream().readAllBytes(),
						java.nio.charset.StandardCharsets.UTF_8);
				process.waitFor();
				java.util.regex.Matcher version = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(output);
				return version.find() ? Integer.parseInt(version.group(1)) : 0;
			}
			catch (IOException ex) {
				return 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return 0;
			}
		});
	}

	private static String embeddedResourceName() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.contains("aarch64") || arch.contains("arm");
		if (os.contains("linux")) {
			return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
		}
		if (os.contains("mac")) {
			return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
		}
		throw new IllegalStateException(
				"No embedded redis-server for " + os + "/" + arch + "; install redis-server or run Docker");
	}

}
