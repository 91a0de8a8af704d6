package io.github.redisstarter.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of redis-server processes on loopback ports: masters that share the
 * 16384 slots evenly, each with its replicas, joined with CLUSTER MEET, ADDSLOTS and
 * REPLICATE over the harness' own connections (no redis-cli needed, so the embedded Redis
 * 6.2 will do). A killed master's replica is promoted by the cluster itself, after the
 * node timeout; a killed node started again rejoins as a replica of whoever holds its
 * slots then.
 *
 * <pre>
 * try (RedisCluster cluster = RedisCluster.start(3, 1)) {
 *     String nodes = cluster.nodes(); // for spring.data.redis.cluster.nodes
 *     RedisServer master = cluster.masterOf("key");
 *     master.kill();
 *     cluster.awaitHealthy(Duration.ofSeconds(20)); // a replica took over
 * }
 * </pre>
 */
public final class RedisCluster implements AutoCloseable {

	/** How long a node may be silent before the others count it failed. */
	public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(1000);

	private static final int SLOTS = 16384;

	private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServer> servers;

	private RedisCluster(List<RedisServer> servers) {
		this.servers = servers;
	}

	/**
	 * Starts {@code masters} masters with {@code replicasPerMaster} replicas each, and
	 * returns once every node sees the cluster healthy and every replica is in sync.
	 */
	public static RedisCluster start(int masters, int replicasPerMaster) {
		return start(masters, replicasPerMaster, DEFAULT_NODE_TIMEOUT);
	}

	/**
	 * Starts a cluster whose every node is configured as {@code config} says (such as
	 * {@link RedisServer.Config#embedded()}), with the default node timeout.
	 */
	public static RedisCluster start(int masters, int replicasPerMaster, RedisServer.Config config) {
		return startNodes(masters, replicasPerMaster, config.clusterNode(DEFAULT_NODE_TIMEOUT));
	}

	public static RedisCluster start(int masters, int replicasPerMaster, Duration nodeTimeout) {
		return startNodes(masters, replicasPerMaster, RedisServer.config().clusterNode(nodeTimeout));
	}

	private static RedisCluster startNodes(int masters, int replicasPerMaster, RedisServer.Config nodeConfig) {
		if (masters < 1 || replicasPerMaster < 0) {
			throw new IllegalArgumentException("A cluster needs at least one master and no negative replica count");
		}
		List<RedisServer> servers = new ArrayList<>();
		RedisCluster cluster = new RedisCluster(servers);
		try {
			for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
				RedisServer server = RedisServer.create(nodeConfig);
				servers.add(server);
				server.start();
			}
			cluster.form(masters, replicasPerMaster);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private void form(int masters, int replicasPerMaster) {
		List<String> ids = this.servers.stream().map((server) -> (String) server.command("CLUSTER", "MYID")).toList();
		RedisServer first = this.servers.get(0);
		for (RedisServer server : this.servers.subList(1, this.servers.size())) {
			first.command("CLUSTER", "MEET", RedisServer.HOST, String.valueOf(server.port()));
		}
		for (int m = 0; m < masters; m++) {
			List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			for (int slot = SLOTS * m / masters; slot < SLOTS * (m + 1) / masters; slot++) {
				command.add(String.valueOf(slot));
			}
			this.servers.get(m).command(command.toArray(String[]::new));
		}
		await("every node to know every other",
				() -> this.servers.stream().allMatch((server) -> nodeLines(server).size() == this.servers.size()));
		for (int r = 0; r < masters * replicasPerMaster; r++) {
			this.servers.get(masters + r).command("CLUSTER", "REPLICATE", ids.get(r % masters));
		}
		await("the cluster to be healthy with every replica in sync",
				() -> isHealthy()
						&& this.servers.stream()
							.allMatch((server) -> nodeLines(server).stream()
								.filter((line) -> line.flags().contains("slave"))
								.count() == (long) masters * replicasPerMaster)
						&& this.servers.subList(masters, this.servers.size())
							.stream()
							.allMatch((replica) -> "up".equals(replica.info("master_link_status"))));
	}

	/**
	 * {@code 127.0.0.1:port,...} of every node, for
	 * {@code spring.data.redis.cluster.nodes}.
	 */
	public String nodes() {
		return this.servers.stream()
			.map((server) -> RedisServer.HOST + ":" + server.port())
			.collect(Collectors.joining(","));
	}

	/** Every node, masters first as started (roles change with failovers). */
	public List<RedisServer> servers() {
		return List.copyOf(this.servers);
	}

	/** The master that serves {@code key}'s slot now, as a running node sees it. */
	public RedisServer masterOf(String key) {
		int slot = slot(key);
		for (NodeLine line : nodeLines(anyRunning())) {
			if (line.flags().contains("master") && !line.failed() && line.slots().contains(slot)) {
				return byPort(line.port());
			}
		}
		throw new IllegalStateException("No master serves slot " + slot + " of '" + key + "'");
	}

	/** The masters that serve slots now, as a running node sees them. */
	public List<RedisServer> masters() {
		return nodeLines(anyRunning()).stream()
			.filter((line) -> line.flags().contains("master") && !line.failed() && !line.slots().isEmpty())
			.map((line) -> byPort(line.port()))
			.toList();
	}

	/** The slot of a key, as Redis computes it (CLUSTER KEYSLOT). */
	public int slot(String key) {
		return ((Long) anyRunning().command("CLUSTER", "KEYSLOT", key)).intValue();
	}

	/**
	 * Waits until the cluster is healthy: every running node says
	 * {@code cluster_state:ok} with all slots served, and every serving master is a
	 * running node.
	 * @return how long that took
	 */
	public Duration awaitHealthy(Duration timeout) {
		long start = System.nanoTime();
		await(timeout, "the cluster to be healthy", this::isHealthy);
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/** Deletes every key on every master. */
	public void flushAll() {
		masters().forEach(RedisServer::flushAll);
	}

	@Override
	public void close() {
		this.servers.forEach(RedisServer::close);
	}

	private boolean isHealthy() {
		List<RedisServer> running = this.servers.stream().filter(RedisServer::isRunning).toList();
		for (RedisServer server : running) {
			String info;
			try {
				info = (String) server.command("CLUSTER", "INFO");
			}
			catch (RuntimeException ex) {
				return false;
			}
			if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:" + SLOTS)) {
				return false;
			}
			for (NodeLine line : nodeLines(server)) {
				boolean serving = line.flags().contains("master") && !line.slots().isEmpty();
				if (serving && (line.failed() || !byPort(line.port()).isRunning())) {
					return false;
				}
			}
		}
		return !running.isEmpty();
	}

	private RedisServer anyRunning() {
		return this.servers.stream()
			.filter(RedisServer::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of the cluster runs"));
	}

	private RedisServer byPort(int port) {
		return this.servers.stream()
			.filter((server) -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of this cluster listens on " + port));
	}

	private static List<NodeLine> nodeLines(RedisServer server) {
		String nodes = (String) server.command("CLUSTER", "NODES");
		List<NodeLine> lines = new ArrayList<>();
		for (String line : nodes.split("\n")) {
			if (!line.isBlank()) {
				lines.add(NodeLine.parse(line.trim()));
			}
		}
		return lines;
	}

	private void await(String what, java.util.function.BooleanSupplier condition) {
		await(FORM_TIMEOUT, what, condition);
	}

	private void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Timed out after " + timeout + " waiting for " + what + "; nodes: " + describe());
			}
			RedisServer.sleep(Duration.ofMillis(20));
		}
	}

	private String describe() {
		Map<Integer, String> views = new HashMap<>();
		for (RedisServer server : this.servers) {
			try {
				views.put(server.port(), server.isRunning() ? (String) server.command("CLUSTER", "NODES") : "(down)");
			}
			catch (RuntimeException ex) {
				views.put(server.port(), ex.getMessage());
			}
		}
		return views.toString();
	}

	/** One line of CLUSTER NODES. */
	private record NodeLine(String id, int port, Set<String> flags, Set<Integer> slots) {

		boolean failed() {
			return this.flags.contains("fail") || this.flags.contains("fail?");
		}

		static NodeLine parse(String line) {
			String[] fields = line.split(" ");
			String address = fields[1].substring(0, fields[1].indexOf('@'));
			int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
			Set<String> flags = Set.of(fields[2].split(","));
			Set<Integer> slots = new LinkedHashSet<>();
			for (int i = 8; i < fields.length; i++) {
				if (fields[i].startsWith("[")) {
					continue; // a slot being migrated
				}
				String[] range = fields[i].split("-");
				int from = Integer.parseInt(range[0]);
				int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
				for (int slot = from; slot <= to; slot++) {
					slots.add(slot);
				}
			}
			return new NodeLine(fields[0], port, flags, slots);
		}

	}

}
