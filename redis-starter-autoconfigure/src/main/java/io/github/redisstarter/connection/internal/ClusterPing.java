package io.github.redisstarter.connection.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The monitor's probe on Redis Cluster: the cluster as it is now answers when every
 * master that serves slots in Lettuce's current view of the topology says
 * {@code cluster_state:ok} to {@code CLUSTER INFO} (or, where a service refuses that
 * command, answers a PING). A master that cannot be reached, or one that says the cluster
 * is down (a failed master whose replica is not promoted yet), fails the probe; a PING
 * that one live node answers would not.
 *
 * <p>
 * That view is what the app's commands follow, and Lettuce may keep an old one for long
 * (its adaptive refresh runs at most every 30 s): after a failed probe, the next one
 * first asks a node that answers how it sees the cluster, and reloads the topology when
 * the masters changed (see {@link #prepare()}), so that a promoted replica is found
 * within a probe or two of its promotion, and the app's commands go to it when the app
 * takes Redis back.
 */
public final class ClusterPing implements RedisPing, AutoCloseable {

	static final long REFRESH_GAP_MILLIS = 250;

	private static final byte[] PROBE_KEY = RedisPermissions.PROBE_KEY.getBytes(StandardCharsets.UTF_8);

	private final LettuceConnectionFactory factory;

	private final SharedRedisCommands commands;

	private final LongSupplier nanoTime;

	private final @Nullable PermissionCheck permissions;

	/**
	 * Whether the last probe of the cluster's state failed: the next one looks for a new
	 * topology first.
	 */
	private volatile boolean failed;

	/** How long one node may take to tell its view of the cluster. */
	private static final long VIEW_SECONDS = 1;

	private volatile long lastRefreshNanos;

	/**
	 * @param factory the app's connection factory, on a cluster: the probe goes over its
	 * connection, and reads and reloads its client's topology
	 * @param permissions the check of the app's user, or {@code null} for none
	 */
	public ClusterPing(LettuceConnectionFactory factory, @Nullable PermissionCheck permissions) {
		this(factory, permissions, System::nanoTime);
	}

	ClusterPing(LettuceConnectionFactory factory, @Nullable PermissionCheck permissions, LongSupplier nanoTime) {
		this.factory = factory;
		this.permissions = permissions;
		this.commands = new SharedRedisCommands(factory);
		this.nanoTime = nanoTime;
		this.lastRefreshNanos = nanoTime.getAsLong() - TimeUnit.MILLISECONDS.toNanos(REFRESH_GAP_MILLIS);
	}

	@Override
	public void connect() {
		connection();
	}

	@Override
	public void ping() {
		try {
			StatefulRedisClusterConnection<byte[], byte[]> connection = connection();
			List<CompletableFuture<Void>> answers = new ArrayList<>();
			for (RedisClusterNode node : connection.getPartitions()) {
				if (node.is(NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
					answers.add(connection.getConnectionAsync(node.getNodeId())
						.thenCompose((nodeConnection) -> clusterState(node, nodeConnection.async())));
				}
			}
			if (answers.isEmpty()) {
				throw new RedisCommandExecutionException("CLUSTERDOWN no master serves slots in the topology");
			}
			for (CompletableFuture<Void> answer : answers) {
				join(answer);
			}
			this.failed = false;
		}
		catch (RuntimeException ex) {
			this.failed = true;
			throw ex;
		}
	}

	@Override
	public void probeWrite() {
		join(commands().set(PROBE_KEY, PROBE_KEY, SetArgs.Builder.px(2000)).toCompletableFuture());
	}

	@Override
	public void checkPermissions() {
		PermissionCheck check = this.permissions;
		if (check != null) {
			check.require(commands());
		}
	}

	/**
	 * After a failed probe of the cluster's state, asks one node that answers how it sees
	 * the cluster (CLUSTER NODES, over a connection the client holds already), and
	 * reloads Lettuce's topology only when the masters or their slots differ from it.
	 * Reloading opens a connection to every node, so it is kept for when it is needed: at
	 * most once every {@value #REFRESH_GAP_MILLIS} ms, and only once the cluster has
	 * changed (a replica promoted). A node's view that cannot be had leaves the old
	 * topology: the probe that follows fails on it, or succeeds if it still holds.
	 */
	@Override
	public synchronized void prepare() {
		long now = this.nanoTime.getAsLong();
		if (!this.failed || now - this.lastRefreshNanos < TimeUnit.MILLISECONDS.toNanos(REFRESH_GAP_MILLIS)) {
			return;
		}
		this.lastRefreshNanos = now;
		StatefulRedisClusterConnection<byte[], byte[]> connection = connection();
		Partitions known = connection.getPartitions();
		Partitions seen = viewOfAnyNode(connection, known);
		if (seen != null && !masters(seen).equals(masters(known))) {
			try {
				// Taken here, not when the probe is made: the factory may not have
				// started then.
				((RedisClusterClient) this.factory.getRequiredNativeClient()).refreshPartitions();
			}
			catch (RuntimeException ex) {
				// No node answered the reload: the probe fails on the view there is.
			}
		}
	}

	/** The topology as the first node that answers CLUSTER NODES sees it, or null. */
	private static @Nullable Partitions viewOfAnyNode(StatefulRedisClusterConnection<byte[], byte[]> connection,
			Partitions known) {
		for (RedisClusterNode node : known) {
			if (node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL)) {
				continue;
			}
			try {
				String nodes = connection.getConnectionAsync(node.getNodeId())
					.thenCompose((nodeConnection) -> nodeConnection.async().clusterNodes())
					.get(VIEW_SECONDS, TimeUnit.SECONDS);
				return ClusterPartitionParser.parse(nodes);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
					| RuntimeException ex) {
				// This node cannot tell: ask the next.
			}
		}
		return null;
	}

	/**
	 * The masters that serve slots, by node id, with their slots and whether they are
	 * marked failed: what decides where the app's commands go.
	 */
	private static Map<String, String> masters(Partitions partitions) {
		Map<String, String> masters = new HashMap<>();
		for (RedisClusterNode node : partitions) {
			if (node.is(NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
				masters.put(node.getNodeId(), node.getSlots() + (node.is(NodeFlag.FAIL) ? " failed" : ""));
			}
		}
		return masters;
	}

	/**
	 * Waits for a call, which Lettuce's command timeout bounds, and throws what it failed
	 * with.
	 */
	private static void join(CompletableFuture<?> call) {
		try {
			call.join();
		}
		catch (java.util.concurrent.CompletionException ex) {
			throw RedisCalls.unwrap(ex);
		}
	}

	/**
	 * The node's word on the cluster's state; a node that refuses CLUSTER INFO itself (a
	 * managed service may block CLUSTER commands, a user may lack it) is asked for a PING
	 * instead.
	 */
	private static CompletableFuture<Void> clusterState(RedisClusterNode node,
			RedisAsyncCommands<byte[], byte[]> commands) {
		return commands.clusterInfo()
			.toCompletableFuture()
			.thenAccept((info) -> requireOk(node, info))
			.exceptionallyCompose((failure) -> {
				Throwable cause = RedisCalls.cause(failure);
				if (cause instanceof RedisCommandExecutionException
						&& (!RedisFailures.isUnavailable(cause) || RedisFailures.isPermissionRefusal(cause))) {
					return commands.ping().toCompletableFuture().thenAccept((pong) -> {
					});
				}
				return CompletableFuture.failedFuture(cause);
			});
	}

	private static void requireOk(RedisClusterNode node, String info) {
		if (!info.contains("cluster_state:ok")) {
			throw new RedisCommandExecutionException("CLUSTERDOWN the master at " + node.getUri().getHost() + ":"
					+ node.getUri().getPort() + " says the cluster is down (cluster_state is not ok)");
		}
	}

	private RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands() {
		return (RedisAdvancedClusterAsyncCommands<byte[], byte[]>) this.commands.get();
	}

	private StatefulRedisClusterConnection<byte[], byte[]> connection() {
		return commands().getStatefulConnection();
	}

	@Override
	public void close() {
		this.commands.close();
	}

}
