package io.github.redisstarter.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A Redis master with replicas watched by sentinels, all redis-server processes on
 * loopback ports. A killed master's replica is promoted by the sentinels after
 * {@link #DOWN_AFTER} of silence and their vote; clients that ask the sentinels find the
 * new master.
 *
 * <pre>
 * try (RedisSentinels sentinels = RedisSentinels.start(1, 3)) {
 *     // spring.data.redis.sentinel.master=sentinels.masterName()
 *     // spring.data.redis.sentinel.nodes=sentinels.sentinelNodes()
 *     RedisServer old = sentinels.master();
 *     old.kill();
 *     sentinels.awaitNewMaster(old, Duration.ofSeconds(30));
 * }
 * </pre>
 */
public final class RedisSentinels implements AutoCloseable {

	/** How long a master may be silent before a sentinel counts it down. */
	public static final Duration DOWN_AFTER = Duration.ofMillis(1000);

	private static final String MASTER_NAME = "mymaster";

	private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServer> servers = new ArrayList<>();

	private final List<RedisServer> sentinels = new ArrayList<>();

	private RedisSentinels() {
	}

	/**
	 * Starts a master, {@code replicas} replicas of it and {@code sentinels} sentinels
	 * (quorum: a majority), and returns once every replica is in sync and every sentinel
	 * knows the replicas and the other sentinels.
	 */
	public static RedisSentinels start(int replicas, int sentinels) {
		return start(replicas, sentinels, RedisServer.config());
	}

	/**
	 * As {@link #start(int, int)}, every data node configured as {@code config} says
	 * (such as {@link RedisServer.Config#embedded()}).
	 */
	public static RedisSentinels start(int replicas, int sentinels, RedisServer.Config config) {
		if (replicas < 1 || sentinels < 1) {
			throw new IllegalArgumentException("A failover needs at least one replica and one sentinel");
		}
		RedisSentinels group = new RedisSentinels();
		try {
			RedisServer master = RedisServer.create(config);
			group.servers.add(master);
			master.start();
			for (int i = 0; i < replicas; i++) {
				RedisServer replica = RedisServer
					.create(copy(config).arguments("--replicaof", RedisServer.HOST, String.valueOf(master.port())));
				group.servers.add(replica);
				replica.start();
			}
			RedisServer.Config sentinelConfig = RedisServer.config()
				.sentinelOf(MASTER_NAME, master.port(), sentinels / 2 + 1, DOWN_AFTER);
			if ("embedded".equals(config.kind)) {
				sentinelConfig.embedded();
			}
			for (int i = 0; i < sentinels; i++) {
				RedisServer sentinel = RedisServer.create(sentinelConfig);
				group.sentinels.add(sentinel);
				sentinel.start();
			}
			group.await(FORM_TIMEOUT, "replicas in sync and sentinels that know each other",
					() -> group.servers.subList(1, group.servers.size())
						.stream()
						.allMatch((replica) -> "up".equals(replica.info("master_link_status")))
							&& group.sentinels.stream()
								.allMatch((sentinel) -> count(sentinel, "REPLICAS") == replicas
										&& count(sentinel, "SENTINELS") == sentinels - 1));
			return group;
		}
		catch (RuntimeException ex) {
			group.close();
			throw ex;
		}
	}

	private static RedisServer.Config copy(RedisServer.Config config) {
		RedisServer.Config copy = RedisServer.config();
		if (config.password != null) {
			copy.password(config.password);
		}
		config.aclUsers.forEach(copy::aclUser);
		copy.kind = config.kind;
		copy.extraArguments.addAll(config.extraArguments);
		return copy;
	}

	private static int count(RedisServer sentinel, String what) {
		Object reply = sentinel.command("SENTINEL", what, MASTER_NAME);
		return ((List<?>) reply).size();
	}

	/**
	 * The name the sentinels know the master by, for
	 * {@code spring.data.redis.sentinel.master}.
	 */
	public String masterName() {
		return MASTER_NAME;
	}

	/**
	 * {@code 127.0.0.1:port,...} of the sentinels, for
	 * {@code spring.data.redis.sentinel.nodes}.
	 */
	public String sentinelNodes() {
		return this.sentinels.stream()
			.map((sentinel) -> RedisServer.HOST + ":" + sentinel.port())
			.collect(Collectors.joining(","));
	}

	/** The master as the first running sentinel sees it now. */
	public RedisServer master() {
		RedisServer sentinel = this.sentinels.stream()
			.filter(RedisServer::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No sentinel runs"));
		List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
		int port = Integer.parseInt(address.get(1).toString());
		return this.servers.stream()
			.filter((server) -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No data node listens on " + port));
	}

	/** The master and its replicas, the master first as started (roles change). */
	public List<RedisServer> servers() {
		return List.copyOf(this.servers);
	}

	/**
	 * Waits until every running sentinel names a master other than {@code old}, and that
	 * master says it is one.
	 * @return how long that took
	 */
	public Duration awaitNewMaster(RedisServer old, Duration timeout) {
		long start = System.nanoTime();
		await(timeout, "a new master", () -> {
			try {
				RedisServer master = master();
				return master != old && master.isRunning() && ((List<?>) master.command("ROLE")).get(0).equals("master")
						&& this.sentinels.stream().filter(RedisServer::isRunning).allMatch((sentinel) -> {
							List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME",
									MASTER_NAME);
							return Integer.parseInt(address.get(1).toString()) == master.port();
						});
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		return Duration.ofNanos(System.nanoTime() - start);
	}

	@Override
	public void close() {
		this.sentinels.forEach(RedisServer::close);
		this.servers.forEach(RedisServer::close);
	}

	private void await(Duration timeout, String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
			}
			RedisServer.sleep(Duration.ofMillis(20));
		}
	}

}
