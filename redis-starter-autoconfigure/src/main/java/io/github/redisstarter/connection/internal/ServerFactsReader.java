package io.github.redisstarter.connection.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.NamedNode;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.RedisServer;
import org.springframework.data.redis.connection.convert.Converters;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Reads {@link RedisServerFacts} over the app's connection factory: one {@code INFO} of
 * the server the app's connection reaches (with
 * {@code spring.data.redis.lettuce.read-from} on a replica, Lettuce may send it to a
 * replica, which the {@code role} then says); on a Cluster, {@code CLUSTER INFO} and
 * {@code CLUSTER NODES} (from one node; the client's view of the topology where they are
 * refused) and one {@code INFO} per master that answers; with Sentinel, also
 * {@code SENTINEL MASTERS} from a sentinel. What one of these commands refuses is left
 * out, not the whole reading.
 */
public final class ServerFactsReader implements Supplier<RedisServerFacts> {

	private final LettuceConnectionFactory factory;

	private final Clock clock;

	private final Function<Throwable, String> describe;

	/**
	 * @param describe words a refused command's failure for the details, masked
	 */
	public ServerFactsReader(LettuceConnectionFactory factory, Clock clock, Function<Throwable, String> describe) {
		this.factory = factory;
		this.clock = clock;
		this.describe = describe;
	}

	@Override
	public RedisServerFacts get() {
		if (this.factory.isClusterAware()) {
			return cluster();
		}
		RedisServerFacts facts;
		try (RedisConnection connection = this.factory.getConnection()) {
			Properties info = connection.serverCommands().info();
			facts = RedisServerFacts.of((info != null) ? info : new Properties(), this.clock.instant());
		}
		if (this.factory.isRedisSentinelAware()) {
			facts = facts.withSentinel(sentinel());
		}
		return facts;
	}

	private RedisServerFacts cluster() {
		try (RedisClusterConnection connection = this.factory.getClusterConnection()) {
			Map<String, Object> shape = new LinkedHashMap<>();
			try {
				shape.put("state", String.valueOf(connection.clusterGetClusterInfo().getState()));
			}
			catch (RuntimeException ex) {
				shape.put("state", "unknown (" + this.describe.apply(ex) + ")");
			}
			List<RedisClusterNode> nodes = nodes(connection);
			Map<String, String> addresses = new LinkedHashMap<>();
			nodes.forEach((node) -> addresses.put(node.getId(), node.asString()));
			List<Properties> masters = new ArrayList<>();
			List<String> described = new ArrayList<>();
			int masterCount = 0;
			int replicaCount = 0;
			for (RedisClusterNode node : nodes) {
				described.add(describe(node, addresses));
				if (failing(node)) {
					// Listed, not counted, not asked.
					continue;
				}
				if (node.isMaster()) {
					masterCount++;
					try {
						Properties info = connection.serverCommands().info(node);
						if (info != null) {
							masters.add(info);
						}
					}
					catch (RuntimeException ex) {
						// A master that does not answer now: the others tell what they
						// can.
					}
				}
				else {
					replicaCount++;
				}
			}
			shape.put("masters", masterCount);
			shape.put("replicas", replicaCount);
			shape.put("nodes", described);
			return RedisServerFacts.ofCluster(masters, shape, this.clock.instant());
		}
	}

	/**
	 * {@code CLUSTER NODES} as one node sees it now; the client's own view (as its last
	 * topology refresh left it) where that is refused.
	 */
	private static List<RedisClusterNode> nodes(RedisClusterConnection connection) {
		try {
			Object reply = connection.execute("CLUSTER", "NODES".getBytes(StandardCharsets.US_ASCII));
			if (reply instanceof byte[] text) {
				return new ArrayList<>(Converters.toSetOfRedisClusterNodes(new String(text, StandardCharsets.UTF_8)));
			}
		}
		catch (RuntimeException ex) {
			// Refused (an ACL user, a managed service): the client knows the nodes too.
		}
		List<RedisClusterNode> known = new ArrayList<>();
		connection.clusterGetNodes().forEach(known::add);
		return known;
	}

	private static boolean failing(RedisClusterNode node) {
		return node.getFlags().contains(RedisClusterNode.Flag.FAIL)
				|| node.getFlags().contains(RedisClusterNode.Flag.PFAIL);
	}

	/**
	 * Such as {@code 127.0.0.1:7000 master, 5461 slots} or
	 * {@code 127.0.0.1:7003 replica of 127.0.0.1:7000, fail}.
	 */
	private static String describe(RedisClusterNode node, Map<String, String> addresses) {
		StringBuilder text = new StringBuilder(node.asString());
		if (node.isMaster()) {
			text.append(" master, ").append(node.getSlotRange().getSlots().size()).append(" slots");
		}
		else {
			text.append(" replica of ").append(addresses.getOrDefault(node.getMasterId(), "an unknown master"));
		}
		if (node.getFlags().contains(RedisClusterNode.Flag.FAIL)) {
			text.append(", fail");
		}
		else if (node.getFlags().contains(RedisClusterNode.Flag.PFAIL)) {
			text.append(", pfail");
		}
		return text.toString();
	}

	/**
	 * Sentinel's view of the app's master: where it is, its replicas, its sentinels; why
	 * not, when the sentinels refuse.
	 */
	private Map<String, Object> sentinel() {
		NamedNode master = this.factory.getSentinelConfiguration().getMaster();
		String name = (master != null) ? master.getName() : null;
		Map<String, Object> shape = new LinkedHashMap<>();
		shape.put("master", String.valueOf(name));
		try (RedisSentinelConnection sentinel = this.factory.getSentinelConnection()) {
			for (RedisServer server : sentinel.masters()) {
				if (server.getName() != null && server.getName().equals(name)) {
					shape.put("address", server.asString());
					shape.put("flags", String.valueOf(server.getFlags()));
					shape.put("replicas", orZero(server.getNumberReplicas()));
					// The sentinel answering counts too.
					shape.put("sentinels", orZero(server.getNumberOtherSentinels()) + 1);
				}
			}
		}
		catch (RuntimeException ex) {
			shape.put("failure", this.describe.apply(ex));
		}
		catch (IOException ex) {
			// Closing the sentinel connection failed: what was read stands.
		}
		return shape;
	}

	private static long orZero(Long value) {
		return (value != null) ? value : 0;
	}

}
