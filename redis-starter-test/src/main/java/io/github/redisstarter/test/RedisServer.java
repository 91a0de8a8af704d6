package io.github.redisstarter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A real Redis server owned by one test: started on a free port, and stopped, killed,
 * paused and restarted on that same port at the test's command. It never touches a Redis
 * it did not start.
 *
 * <p>
 * Which server runs is chosen by {@link #create(Config)}: a {@code redis-server} on PATH,
 * else a Testcontainers Redis where Docker is available (not for TLS), else the binary
 * shipped in {@code com.github.codemonstur:embedded-redis}. Set the system property or
 * environment variable {@code REDIS_STARTER_TEST_SERVER} to {@code binary},
 * {@code docker} or {@code embedded} to force one, or {@link Config#embedded()} for one
 * server.
 */
public abstract class RedisServer implements AutoCloseable {

	/** The host every server listens on: loopback only. */
	public static final String HOST = "127.0.0.1";

	static final String SERVER_KIND_PROPERTY = "REDIS_STARTER_TEST_SERVER";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

	protected final Config config;

	private volatile String password;

	/**
	 * The default user's password at the next start: the configured one until
	 * {@link #restartWithPassword}.
	 */
	private volatile String startPassword;

	protected RedisServer(Config config) {
		this.config = Objects.requireNonNull(config, "'config' must not be null");
		this.password = config.password;
		this.startPassword = config.password;
	}

	/**
	 * A server of the kind this machine supports best (see the class comment), not
	 * started yet.
	 */
	public static RedisServer create(Config config) {
		String forced = (config.kind != null) ? config.kind
				: System.getProperty(SERVER_KIND_PROPERTY, System.getenv(SERVER_KIND_PROPERTY));
		String kind = (forced == null || forced.isBlank()) ? "auto" : forced.trim().toLowerCase(java.util.Locale.ROOT);
		if ((config.clusterNode || config.sentinelConfig != null) && !kind.equals("binary")) {
			// A container maps ports, and a cluster node or a sentinel announces the
			// port it listens on: only a process will do.
			return new ProcessRedisServer(config, kind.equals("embedded") ? RedisBinary.embedded()
					: RedisBinary.onPath().orElseGet(RedisBinary::embedded));
		}
		return switch (kind) {
			case "binary" -> new ProcessRedisServer(config,
					RedisBinary.onPath()
						.orElseThrow(() -> new IllegalStateException(
								"REDIS_STARTER_TEST_SERVER=binary but no redis-server on PATH")));
			case "embedded" -> new ProcessRedisServer(config, RedisBinary.embedded());
			case "docker" -> new ContainerRedisServer(config);
			case "auto" -> auto(config, RedisBinary.onPath(), RedisServer::dockerAvailable);
			default -> throw new IllegalArgumentException(
					SERVER_KIND_PROPERTY + "='" + forced + "' is not one of binary, docker, embedded, auto");
		};
	}

	/**
	 * The machine's redis-server, else a container, else the embedded binary; the
	 * container has no TLS.
	 */
	static RedisServer auto(Config config, Optional<Path> onPath, BooleanSupplier dockerAvailable) {
		if (onPath.isPresent()) {
			return new ProcessRedisServer(config, onPath.get());
		}
		return (!config.tls && dockerAvailable.getAsBoolean()) ? new ContainerRedisServer(config)
				: new ProcessRedisServer(config, RedisBinary.embedded());
	}

	/**
	 * Whether Testcontainers is on the classpath (it is an optional dependency) and finds
	 * Docker. Checked by name first, so that a classpath without it never loads the class
	 * that uses it.
	 */
	static boolean dockerAvailable() {
		try {
			Class.forName("org.testcontainers.DockerClientFactory", false, RedisServer.class.getClassLoader());
			return ContainerRedisServer.dockerAvailable();
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	public static RedisServer create() {
		return create(config());
	}

	public static Config config() {
		return new Config();
	}

	/**
	 * Starts the server (on the same port as before, if it ran before) and waits until it
	 * answers PING.
	 */
	public final synchronized void start() {
		if (isRunning()) {
			return;
		}
		this.password = this.startPassword;
		launch();
		awaitReady();
		for (Map.Entry<String, String> user : this.config.aclUsers.entrySet()) {
			command("ACL", "SETUSER", user.getKey(), "reset", "on", ">" + user.getValue(), "~*", "&*", "+@all");
		}
	}

	/** Stops the server gracefully (SIGTERM, nothing saved). */
	public abstract void stop();

	/** Kills the server with SIGKILL: no goodbye to its clients, like a crashed host. */
	public abstract void kill();

	/**
	 * Freezes the server (SIGSTOP): its port accepts connections but nothing answers,
	 * like a network partition.
	 */
	public abstract void pause();

	/** Thaws a server frozen by {@link #pause()}. */
	public abstract void resume();

	/**
	 * Stops the server if it runs and starts it again on the same port, with an empty
	 * dataset: unless persistence was turned on through {@link Config#arguments} (such as
	 * {@code --appendonly yes}), since the data directory is kept; so is it by
	 * {@link #kill()} and {@link #start()}.
	 */
	public final synchronized void restart() {
		stop();
		start();
	}

	/**
	 * Stops the server and starts it again, empty, requiring {@code newPassword} of the
	 * default user ({@code null}: none), as an operator rotating the password would;
	 * later restarts keep it.
	 */
	public final synchronized void restartWithPassword(String newPassword) {
		stop();
		this.startPassword = newPassword;
		start();
	}

	/** Whether the server process or container is alive (a paused server is alive). */
	public abstract boolean isRunning();

	/** The plain-text port. */
	public abstract int port();

	/** The TLS port, when the server was configured with {@link Config#tls()}. */
	public int tlsPort() {
		throw new IllegalStateException("This server was not configured with TLS");
	}

	/**
	 * The PEM file of the certificate authority that signed a TLS server's certificate.
	 */
	public Path caCertificate() {
		throw new IllegalStateException("This server was not configured with TLS");
	}

	/**
	 * A client certificate (PEM) that the server's certificate authority signed, for
	 * mutual TLS ({@link Config#mutualTls()}).
	 */
	public Path clientCertificate() {
		throw new IllegalStateException("This server was not configured with TLS");
	}

	/** The PKCS#8 PEM key of {@link #clientCertificate()}. */
	public Path clientKey() {
		throw new IllegalStateException("This server was not configured with TLS");
	}

	/** A self-signed client certificate (PEM) the server does not trust. */
	public Path strangerCertificate() {
		throw new IllegalStateException("This server was not configured with TLS");
	}

	/** The PKCS#8 PEM key of {@link #strangerCertificate()}. */
	public Path strangerKey() {
		throw new IllegalStateException("This server was not configured with TLS");
	}

	public String host() {
		return HOST;
	}

	/** The password of the default user, or {@code null}. */
	public String password() {
		return this.password;
	}

	/**
	 * Changes the default user's password from now on (CONFIG SET requirepass); survives
	 * no restart.
	 */
	public void changePassword(String newPassword) {
		command("CONFIG", "SET", "requirepass", newPassword);
		this.password = newPassword;
	}

	/** {@code redis://[:password@]127.0.0.1:port}, the password percent-encoded. */
	public String url() {
		String credentials = (this.password != null) ? ":" + encode(this.password) + "@" : "";
		return "redis://" + credentials + HOST + ":" + port();
	}

	/**
	 * Runs one command as the default user on the plain-text port and returns the decoded
	 * reply.
	 */
	public Object command(String... command) {
		try {
			return RespClient.call(HOST, port(), this.password, command);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command " + command[0] + " on port " + port() + " failed", ex);
		}
	}

	/**
	 * A script that keeps Redis busy for ARGV[1] milliseconds by reading its own clock in
	 * a loop.
	 */
	private static final String BUSY_SCRIPT = """
			local start = redis.call('TIME')
			local t0 = start[1] * 1000000 + start[2]
			local now = t0
			while now - t0 < tonumber(ARGV[1]) * 1000 do
			  local t = redis.call('TIME')
			  now = t[1] * 1000000 + t[2]
			end
			return 1""";

	/**
	 * Keeps the server busy for {@code duration} (under its 5 s script time limit), as a
	 * slow command of another client does: every other client's command waits, then is
	 * answered. Returns when the script ends.
	 */
	public void busyFor(Duration duration) {
		command("EVAL", BUSY_SCRIPT, "0", String.valueOf(duration.toMillis()));
	}

	/** Deletes every key in every database of this server (never of any other). */
	public void flushAll() {
		command("FLUSHALL");
	}

	/** A field of INFO, such as {@code total_connections_received}. */
	public String info(String field) {
		String info = (String) command("INFO", "all");
		for (String line : info.split("\r\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1);
			}
		}
		throw new IllegalArgumentException("INFO has no field '" + field + "'");
	}

	@Override
	public void close() {
		stop();
		cleanUp();
	}

	protected abstract void launch();

	protected void cleanUp() {
	}

	/** The redis-server arguments shared by every kind of server. */
	protected List<String> serverArguments(int port) {
		List<String> args = new ArrayList<>(
				List.of("--port", String.valueOf(port), "--save", "", "--appendonly", "no", "--protected-mode", "no"));
		if (this.startPassword != null) {
			args.addAll(List.of("--requirepass", this.startPassword));
		}
		args.addAll(this.config.extraArguments);
		return args;
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		IOException last = null;
		while (System.nanoTime() < deadline) {
			if (!isRunning()) {
				throw new IllegalStateException("redis-server exited during startup" + diagnostics());
			}
			try {
				if ("PONG".equals(RespClient.call(HOST, port(), this.password, "PING"))) {
					return;
				}
			}
			catch (IOException ex) {
				last = ex;
			}
			sleep(Duration.ofMillis(20));
		}
		throw new IllegalStateException("redis-server did not answer PING within " + READY_TIMEOUT + diagnostics(),
				last);
	}

	/** Text appended to startup errors, such as the tail of the server's log. */
	protected String diagnostics() {
		return "";
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/** What a server should look like; every setting survives restarts. */
	public static final class Config {

		String password;

		final Map<String, String> aclUsers = new LinkedHashMap<>();

		boolean tls;

		boolean tlsClientAuth;

		String tlsServerNames = "ip:127.0.0.1,dns:localhost";

		String kind;

		final List<String> extraArguments = new ArrayList<>();

		boolean clusterNode;

		/** For a sentinel: the lines of its configuration file; null for a server. */
		List<String> sentinelConfig;

		/** Requires this password for the default user ({@code requirepass}). */
		public Config password(String password) {
			this.password = password;
			return this;
		}

		/** Adds an ACL user with every permission. */
		public Config aclUser(String username, String password) {
			this.aclUsers.put(username, password);
			return this;
		}

		/**
		 * Also listens for TLS on a second port, with a certificate signed by a throwaway
		 * CA.
		 */
		public Config tls() {
			this.tls = true;
			return this;
		}

		/**
		 * TLS as {@link #tls()}, and the server asks every client for a certificate its
		 * authority signed ({@code --tls-auth-clients yes}).
		 */
		public Config mutualTls() {
			this.tlsClientAuth = true;
			return tls();
		}

		/**
		 * The subject alternative names of the server's certificate, in keytool's form
		 * ({@code ip:127.0.0.1,dns:localhost} unless told), for a test of hostname
		 * verification.
		 */
		public Config tlsServerNames(String names) {
			this.tlsServerNames = names;
			return this;
		}

		/**
		 * Runs the binary shipped in {@code embedded-redis} (Redis 6.2) whatever the
		 * machine has and whatever {@code REDIS_STARTER_TEST_SERVER} says: for a test of
		 * what Redis 6 answers differently from Redis 7.
		 */
		public Config embedded() {
			this.kind = "embedded";
			return this;
		}

		/**
		 * A node of a Redis Cluster ({@link RedisCluster} joins the nodes): cluster mode
		 * on, a port whose cluster bus port (the port plus 10000) is free too, and the
		 * node's cluster state kept in its own directory, so that a killed node started
		 * again rejoins as the node it was.
		 */
		Config clusterNode(java.time.Duration nodeTimeout) {
			this.clusterNode = true;
			return arguments("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
					"--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()));
		}

		/**
		 * A sentinel ({@link RedisSentinels} starts them) that watches the master
		 * {@code masterName} at {@code masterPort} on loopback, counting it down after
		 * {@code downAfter} of silence.
		 */
		Config sentinelOf(String masterName, int masterPort, int quorum, java.time.Duration downAfter) {
			this.sentinelConfig = List.of(
					"sentinel monitor " + masterName + " " + HOST + " " + masterPort + " " + quorum,
					"sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
					"sentinel failover-timeout " + masterName + " 10000",
					"sentinel parallel-syncs " + masterName + " 1");
			return this;
		}

		/** Further redis-server arguments, such as {@code "--maxmemory", "1mb"}. */
		public Config arguments(String... arguments) {
			this.extraArguments.addAll(List.of(arguments));
			return this;
		}

	}

}
