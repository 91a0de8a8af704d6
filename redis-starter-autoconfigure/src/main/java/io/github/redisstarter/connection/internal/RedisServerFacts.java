package io.github.redisstarter.connection.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * What the app's Redis is, as its {@code INFO} tells: for the {@code redis} health
 * component, read now and then by {@link ServerFacts}, never per health call.
 *
 * @param version {@code redis_version}; on a Cluster, every version its masters run
 * @param role {@code master} or {@code replica} (INFO's {@code slave}); {@code cluster}
 * for a Redis Cluster
 * @param usedMemory {@code used_memory} in bytes; on a Cluster, the fullest master's
 * @param maxMemory {@code maxmemory} in bytes, 0 for no limit; on a Cluster, the fullest
 * master's
 * @param evictionPolicy {@code maxmemory_policy}; on a Cluster, every policy its masters
 * run
 * @param topology the shape of a Cluster ({@code cluster}) or of Sentinel's view of the
 * master ({@code sentinel}), as one entry; empty for a single server
 * @param readAt when Redis told this
 */
public record RedisServerFacts(String version, String role, long usedMemory, long maxMemory, String evictionPolicy,
		Map<String, Object> topology, Instant readAt) {

	public RedisServerFacts {
		topology = Map.copyOf(topology);
	}

	/** The facts of one server, from its {@code INFO} (the default sections). */
	public static RedisServerFacts of(Properties info, Instant readAt) {
		String role = info.getProperty("role", "unknown").trim();
		return new RedisServerFacts(info.getProperty("redis_version", "unknown").trim(),
				role.equals("slave") ? "replica" : role, number(info.getProperty("used_memory")),
				number(info.getProperty("maxmemory")), info.getProperty("maxmemory_policy", "unknown").trim(), Map.of(),
				readAt);
	}

	/**
	 * The facts of a Redis Cluster: its masters' {@code INFO}, and its shape.
	 * @param masters each master's {@code INFO} (the default sections)
	 * @param shape the cluster's state and nodes
	 */
	public static RedisServerFacts ofCluster(Collection<Properties> masters, Map<String, Object> shape,
			Instant readAt) {
		Collection<String> versions = new TreeSet<>();
		Collection<String> policies = new TreeSet<>();
		RedisServerFacts fullest = null;
		for (Properties info : masters) {
			RedisServerFacts master = of(info, readAt);
			versions.add(master.version());
			policies.add(master.evictionPolicy());
			if (fullest == null || master.freeShare() < fullest.freeShare()) {
				fullest = master;
			}
		}
		return new RedisServerFacts(versions.isEmpty() ? "unknown" : String.join(", ", versions), "cluster",
				(fullest != null) ? fullest.usedMemory() : 0, (fullest != null) ? fullest.maxMemory() : 0,
				policies.isEmpty() ? "unknown" : String.join(", ", policies), Map.of("cluster", shape), readAt);
	}

	/** These facts with Sentinel's view of the master. */
	public RedisServerFacts withSentinel(Map<String, Object> shape) {
		return new RedisServerFacts(this.version, this.role, this.usedMemory, this.maxMemory, this.evictionPolicy,
				Map.of("sentinel", shape), this.readAt);
	}

	/**
	 * Why the eviction policy puts keys the starter relies on at risk, or {@code null}
	 * when it does not: {@code noeviction}, or no {@code maxmemory} (Redis then never
	 * evicts). The {@code volatile-*} policies evict keys that expire: cache tombstones,
	 * rate-limit state and sessions; the {@code allkeys-*} policies also the job queue's,
	 * which never expire. On a Cluster, the riskiest policy its masters run counts.
	 */
	public @Nullable String evictionWarning() {
		if (this.maxMemory <= 0) {
			return null;
		}
		String policy = this.evictionPolicy;
		boolean allKeys = policy.contains("allkeys-");
		if (!allKeys && !policy.contains("volatile-")) {
			return null;
		}
		String expiring = "cache tombstones (an instance may then store a value an eviction replaced, stale until its"
				+ " TTL ends), rate-limit state (a limit starts again, looser) and sessions (their users are signed"
				+ " out)";
		String keys = allKeys ? "any key, among them the job queue's (their jobs are lost), " + expiring
				: "keys that expire, among them " + expiring + "; the job queue's keys never expire and are safe";
		return "Redis' maxmemory-policy is " + policy + " with maxmemory " + bytes(this.maxMemory)
				+ ": when Redis is full it evicts " + keys + ". Set maxmemory-policy to noeviction on the Redis the"
				+ " starter uses (a full Redis then refuses writes, and the starter runs on its twins until it has"
				+ " room), or give the starter a Redis of its own";
	}

	private double freeShare() {
		return (this.maxMemory <= 0) ? 1 : Math.max(0, this.maxMemory - this.usedMemory) / (double) this.maxMemory;
	}

	/**
	 * The facts as health details (after {@code version}, the rest in the same order).
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("version", this.version);
		details.put("role", this.role);
		details.put("usedMemory", this.usedMemory);
		details.put("maxMemory", this.maxMemory);
		details.put("evictionPolicy", this.evictionPolicy);
		details.putAll(this.topology);
		details.put("serverInfoAt", this.readAt.toString());
		String warning = evictionWarning();
		if (warning != null) {
			details.put("warning", warning);
		}
		return details;
	}

	static String bytes(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
		return String.format(Locale.ROOT, "%.1f %sB", bytes / (double) (1L << (unit * 10)), " KMGTPE".charAt(unit))
			.replace(".0 ", " ");
	}

	private static long number(@Nullable String text) {
		if (text == null) {
			return 0;
		}
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
