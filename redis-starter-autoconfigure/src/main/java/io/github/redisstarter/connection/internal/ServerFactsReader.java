package io.github.redisstarter.connection.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ClusterInfo;
import org.springframework.data.redis.connection.NamedNode;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.RedisServer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Reads {@link RedisServerFacts} over the app's connection factory: one {@code INFO} of a
 * single server (a Sentinel's master or a master/replica set's master, through the app's
 * own connection); on a Cluster, {@code CLUSTER INFO}, {@code CLUSTER NODES} and one
 * {@code INFO} per master; with Sentinel, also {@code SENTINEL MASTERS} from a sentinel.
 */
public final class ServerFactsReader implements Supplier<RedisServerFacts> {

	private final LettuceConnectionFactory factory;

	private final Clock clock;

	public ServerFactsReader(LettuceConnectionFactory factory, Clock clock) {
		this.factory = factory;
		this.clock = clock;
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
			ClusterInfo info = connection.clusterGetClusterInfo();
			List<RedisClusterNode> nodes = new ArrayList<>();
			connection.clusterGetNodes().forEach(nodes::add);
			Map<String, String> addresses = new LinkedHashMap<>();
			nodes.forEach((node) -> addresses.put(node.getId(), node.asString()));
			List<Properties> masters = new ArrayList<>();
			List<String> described = new ArrayList<>();
			int masterCount = 0;
			int replicaCount = 0;
			for (RedisClusterNode node : nodes) {
				described.add(describe(node, addresses));
				if (node.isMarkedAsFail()) {
					continue;
				}
				if (node.isMaster()) {
					masterCount++;
					Properties masterInfo = connection.serverCommands().info(node);
					if (masterInfo != null) {
						masters.add(masterInfo);
					}
				}
				else {
					replicaCount++;
				}
			}
			// Failed nodes are listed, not counted.
			Map<String, Object> shape = new LinkedHashMap<>();
			shape.put("state", String.valueOf(info.getState()));
			shape.put("masters", masterCount);
			shape.put("replicas", replicaCount);
			shape.put("nodes", described);
			return RedisServerFacts.ofCluster(masters, shape, this.clock.instant());
		}
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

	/** Sentinel's view of the app's master: where it is, its replicas, its sentinels. */
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
		catch (java.io.IOException ex) {
			// Closing the sentinel connection failed: what was read stands.
		}
		return shape;
	}

	private static long orZero(Long value) {
		return (value != null) ? value : 0;
	}

}
