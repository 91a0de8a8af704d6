package io.github.redisstarter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A redis-server child process: the machine's binary or the embedded one. */
final class ProcessRedisServer extends RedisServer {

	private static final int PORT_ATTEMPTS = 5;

	private final Path binary;

	private final Path workDir;

	private int port;

	private int tlsPort;

	private TlsMaterial tlsMaterial;

	private Process process;

	ProcessRedisServer(Config config, Path binary) {
		super(config);
		this.binary = binary;
		try {
			this.workDir = Files.createTempDirectory("redis-starter-test-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (config.tls) {
			this.tlsMaterial = TlsMaterial.create(this.workDir, config.tlsServerNames);
		}
	}

	@Override
	protected void launch() {
		boolean firstStart = (this.port == 0);
		for (int attempt = 1;; attempt++) {
			if (firstStart) {
				this.port = this.config.clusterNode ? freeClusterPort() : freePort();
				this.tlsPort = (this.tlsMaterial != null) ? freePort() : 0;
			}
			this.process = spawn();
			if (!exitedWithPortInUse()) {
				return;
			}
			// Another process took the free port between our probe and redis-server's
			// bind: take another one.
			if (!firstStart || attempt == PORT_ATTEMPTS) {
				throw new IllegalStateException("Port " + this.port + " is in use" + diagnostics());
			}
		}
	}

	private Process spawn() {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		if (this.config.sentinelConfig != null) {
			command.addAll(List.of(sentinelConfigFile().toString(), "--sentinel"));
		}
		command.addAll(List.of("--bind", HOST, "--dir", this.workDir.toString(), "--logfile", ""));
		command.addAll(serverArguments(this.port));
		if (RedisBinary.majorVersion(this.binary) >= 7 && this.config.sentinelConfig == null) {
			// DEBUG SLEEP (a slow server) from the harness' own connections; Redis 6
			// allows DEBUG without asking.
			command.addAll(List.of("--enable-debug-command", "local"));
		}
		if (this.tlsMaterial != null) {
			command.addAll(List.of("--tls-port", String.valueOf(this.tlsPort), "--tls-cert-file",
					this.tlsMaterial.certificate().toString(), "--tls-key-file", this.tlsMaterial.key().toString(),
					"--tls-ca-cert-file", this.tlsMaterial.caCertificate().toString(), "--tls-auth-clients",
					config.tlsClientAuth ? "yes" : "no"));
		}
		try {
			return new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.workDir.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.binary, ex);
		}
	}

	/**
	 * The sentinel's configuration file, written at its first start: a sentinel rewrites
	 * it with what it learns, and a restarted one goes on from there.
	 */
	private Path sentinelConfigFile() {
		Path file = this.workDir.resolve("sentinel.conf");
		if (!Files.exists(file)) {
			try {
				Files.write(file, this.config.sentinelConfig);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return file;
	}

	private boolean exitedWithPortInUse() {
		try {
			if (!this.process.waitFor(100, TimeUnit.MILLISECONDS)) {
				return false;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		return diagnostics().contains("Address already in use");
	}

	@Override
	public synchronized void stop() {
		if (this.process != null && this.process.isAlive()) {
			resume();
			this.process.destroy();
			awaitExit();
		}
	}

	@Override
	public synchronized void kill() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
			awaitExit();
		}
	}

	@Override
	public synchronized void pause() {
		signal("STOP");
	}

	@Override
	public synchronized void resume() {
		signal("CONT");
	}

	private void signal(String signal) {
		if (this.process == null || !this.process.isAlive()) {
			return;
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(this.process.pid())).start();
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private void awaitExit() {
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public int tlsPort() {
		if (this.tlsMaterial == null) {
			return super.tlsPort();
		}
		return this.tlsPort;
	}

	@Override
	public Path caCertificate() {
		return tlsMaterial().caCertificate();
	}

	@Override
	public Path clientCertificate() {
		return tlsMaterial().clientCertificate();
	}

	@Override
	public Path clientKey() {
		return tlsMaterial().clientKey();
	}

	@Override
	public Path strangerCertificate() {
		return tlsMaterial().strangerCertificate();
	}

	@Override
	public Path strangerKey() {
		return tlsMaterial().strangerKey();
	}

	private TlsMaterial tlsMaterial() {
		if (this.tlsMaterial == null) {
			throw new IllegalStateException("This server was not configured with TLS");
		}
		return this.tlsMaterial;
	}

	@Override
	protected String diagnostics() {
		Path log = this.workDir.resolve("redis.log");
		try {
			List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
			List<String> tail = lines.subList(Math.max(0, lines.size() - 15), lines.size());
			return tail.isEmpty() ? "" : "; redis-server said:\n  " + String.join("\n  ", tail);
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Override
	protected void cleanUp() {
		try (Stream<Path> files = Files.walk(this.workDir)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temp directory left behind is harmless.
		}
	}

	/**
	 * A free port below 55536 whose cluster bus port (the port plus 10000) is free too.
	 */
	static int freeClusterPort() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = freePort();
			if (port + 10000 <= 65535 && isFree(port + 10000)) {
				return port;
			}
			port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(35000);
			if (isFree(port) && isFree(port + 10000)) {
				return port;
			}
		}
		throw new IllegalStateException("No free port pair (port, port + 10000) for a cluster node");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName(HOST))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
