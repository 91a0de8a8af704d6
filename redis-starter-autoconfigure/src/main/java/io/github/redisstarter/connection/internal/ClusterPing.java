package io.github.redisstarter.connection.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
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
 * first reloads the topology from the nodes (at most every {@value #REFRESH_GAP_MILLIS}
 * ms), so that a promoted replica is found within a probe or two of its promotion, and
 * the app's commands go to it when the app takes Redis back.
 */
public final class ClusterPing implements RedisPing, AutoCloseable {

	static final long REFRESH_GAP_MILLIS = 250;

	private static final byte[] PROBE_KEY = "redis-starter:probe".getBytes(StandardCharsets.UTF_8);

	private final LettuceConnectionFactory factory;

	private final SharedRedisCommands commands;

	private final LongSupplier nanoTime;

	private final @Nullable PermissionCheck permissions;

	/** Whether the last probe failed: the next one reloads the topology first. */
	private volatile boolean failed;

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
		probe(() -> {
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
		});
	}

	@Override
	public void probeWrite() {
		probe(() -> join(commands().set(PROBE_KEY, PROBE_KEY, SetArgs.Builder.px(2000)).toCompletableFuture()));
	}

	@Override
	public void checkPermissions() {
		PermissionCheck check = this.permissions;
		if (check != null) {
			probe(() -> check.require(commands()));
		}
	}

	private void probe(Runnable probe) {
		refreshIfDue();
		try {
			probe.run();
			this.failed = false;
		}
		catch (RuntimeException ex) {
			this.failed = true;
			throw ex;
		}
	}

	/**
	 * Reloads the topology after a failed probe. A reload that fails leaves the old view:
	 * the probe that follows fails on it, or succeeds if it still holds.
	 */
	private void refreshIfDue() {
		long now = this.nanoTime.getAsLong();
		if (this.failed && now - this.lastRefreshNanos >= TimeUnit.MILLISECONDS.toNanos(REFRESH_GAP_MILLIS)) {
			this.lastRefreshNanos = now;
			try {
				// Taken here, not when the probe is made: the factory may not have
				// started
				// then.
				((RedisClusterClient) this.factory.getRequiredNativeClient()).refreshPartitions();
			}
			catch (RuntimeException ex) {
				// No node answered: the probe fails on the view there is.
			}
		}
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
