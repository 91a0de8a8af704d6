package io.github.redisstarter.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app in its own JVM, started as a user starts it: real environment variables,
 * a real HTTP port. The test's own classpath is the app's classpath.
 */
final class SampleProcess implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final Process process;

	private final Path log;

	private final int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private SampleProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * Starts the sample with exactly these REDIS_* variables (any the machine has are
	 * removed), any other variables given (such as PATH), and arguments.
	 */
	static SampleProcess start(Map<String, String> variables, String... arguments) throws IOException {
		Path log = Files.createTempFile("redis-starter-sample-", ".log");
		ProcessBuilder builder = builder(log, variables, arguments);
		Process process = builder.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			Matcher matcher = PORT.matcher(Files.readString(log));
			if (matcher.find()) {
				SampleProcess sample = new SampleProcess(process, log, Integer.parseInt(matcher.group(1)));
				sample.awaitReadiness(deadline);
				return sample;
			}
			if (!process.isAlive()) {
				throw new IllegalStateException("The sample exited during startup:\n" + Files.readString(log));
			}
			sleep(100);
		}
		process.destroyForcibly();
		throw new IllegalStateException("The sample did not start within 60 s:\n" + Files.readString(log));
	}

	/**
	 * Runs the sample in {@code directory}, as {@link #start} does, until it exits (at
	 * most 60 s), for a startup that is meant to fail.
	 */
	static Exit runUntilExit(Path directory, Map<String, String> variables, String... arguments)
			throws IOException, InterruptedException {
		Path log = Files.createTempFile("redis-starter-sample-", ".log");
		try {
			Process process = builder(log, variables, arguments).directory(directory.toFile()).start();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				throw new IllegalStateException("The sample did not exit within 60 s:\n" + Files.readString(log));
			}
			return new Exit(process.exitValue(), Files.readString(log));
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	private static ProcessBuilder builder(Path log, Map<String, String> variables, String... arguments)
			throws IOException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
						System.getProperty("java.class.path"), SampleApplication.class.getName(), "--server.port=0"));
		command.addAll(List.of(arguments));
		if (List.of(arguments).stream().noneMatch((argument) -> argument.startsWith("--spring.datasource.url="))) {
			// A database of its own, so that runs and tests do not see each other's
			// roles.
			command.add("--spring.datasource.url=" + h2Url(Files.createTempDirectory("redis-starter-sample-db-")));
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment()
			.keySet()
			.removeIf(name -> name.startsWith("REDIS_") || name.startsWith("SPRING_DATA_REDIS"));
		builder.environment().putAll(variables);
		return builder;
	}

	/** How a sample that ran until it exited ended: its exit code and its output. */
	record Exit(int code, String output) {

	}

	/**
	 * Tomcat listens a moment before the app is ready: until then Boot's readiness probe,
	 * part of the health, says OUT_OF_SERVICE. Waits until it no longer does (answers
	 * 200, or 404 where probes are off).
	 */
	private void awaitReadiness(long deadline) throws IOException {
		while (System.nanoTime() < deadline && this.process.isAlive()) {
			try {
				if (get("/actuator/health/readiness").statusCode() != 503) {
					return;
				}
			}
			catch (IOException ex) {
				// Not answering yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
			sleep(100);
		}
		this.process.destroyForcibly();
		throw new IllegalStateException("The sample did not become ready within 60 s:\n" + Files.readString(this.log));
	}

	/**
	 * An H2 file database in {@code directory}, shared by every instance that opens the
	 * same URL.
	 */
	static String h2Url(Path directory) {
		return "jdbc:h2:file:" + directory.resolve("roles").toAbsolutePath() + ";AUTO_SERVER=TRUE";
	}

	JsonNode getJson(String path) throws IOException, InterruptedException {
		return JsonMapper.builder().build().readTree(get(path).body());
	}

	HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
			.timeout(Duration.ofSeconds(30))
			.GET();
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
		return send(path, "PUT", json);
	}

	HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
		return send(path, "POST", json, headers);
	}

	private HttpResponse<String> send(String path, String method, String json, String... headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(json));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A multipart POST of one file in the field {@code file}. */
	HttpResponse<String> upload(String path, String fileName, byte[] bytes) throws IOException, InterruptedException {
		String boundary = "sample-boundary-" + System.nanoTime();
		java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
		body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
				+ "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
			.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		body.writeBytes(bytes);
		body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return this.http.send(HttpRequest.newBuilder(URI.create(url(path)))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * A WebSocket client of /ws/notifications that adds every message it receives to
	 * {@code received}.
	 */
	WebSocket listenToNotifications(List<String> received) throws Exception {
		return listen("/ws/notifications", received);
	}

	/**
	 * A WebSocket client of {@code path} that adds every message it receives to
	 * {@code received}.
	 */
	WebSocket listen(String path, List<String> received) throws Exception {
		return HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create(url(path).replace("http://", "ws://")), new WebSocket.Listener() {

				private final StringBuilder frame = new StringBuilder();

				@Override
				public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
					this.frame.append(data);
					if (last) {
						received.add(this.frame.toString());
						this.frame.setLength(0);
					}
					socket.request(1);
					return null;
				}

			})
			.get(10, TimeUnit.SECONDS);
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Stops this instance's JVM (SIGSTOP), as a long GC pause or a frozen container does;
	 * {@link #resume()} ends it.
	 */
	void pause() throws IOException, InterruptedException {
		signal("-STOP");
	}

	void resume() throws IOException, InterruptedException {
		signal("-CONT");
	}

	private void signal(String signal) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", signal, String.valueOf(this.process.pid())).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IllegalStateException("kill " + signal + " " + this.process.pid() + " failed");
		}
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	String output() throws IOException {
		return Files.readString(this.log);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		if (this.process.isAlive()) {
			// A stopped JVM would not act on SIGTERM.
			resume();
		}
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
		Files.deleteIfExists(this.log);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
