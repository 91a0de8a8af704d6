package io.github.redisstarter.connection.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * What the app's Redis is, as its {@code INFO} tells: for the {@code redis} health
 * component, read now and then by {@link ServerFacts}, never per health request.
 *
 * @param version {@code redis_version}; on a Cluster, every version its masters run
 * @param role {@code master} or {@code replica} (INFO's {@code slave}); {@code cluster}
 * for a Redis Cluster
 * @param usedMemory {@code used_memory} in bytes; on a Cluster, the fullest master's
 * @param maxMemory {@code maxmemory} in bytes, 0 for no limit; on a Cluster, the fullest
 * master's
 * @param evictionPolicy {@code maxmemory_policy}; on a Cluster, every policy its masters
 * run
 * @param eviction what the eviction policy puts at risk; on a Cluster, that of the master
 * that risks most
 * @param topology the shape of a Cluster ({@code cluster}) or of Sentinel's view of the
 * master ({@code sentinel}), as one entry; empty for a single server
 * @param readAt when Redis told this
 */
public record RedisServerFacts(String version, String role, long usedMemory, long maxMemory, String evictionPolicy,
		Eviction eviction, Map<String, Object> topology, Instant readAt) {

	public RedisServerFacts {
		topology = Map.copyOf(topology);
	}

	/** The facts of one server, from its {@code INFO} (the default sections). */
	public static RedisServerFacts of(Properties info, Instant readAt) {
		String role = info.getProperty("role", "unknown").trim();
		RedisMemory memory = RedisMemory.of(info);
		long used = (memory != null) ? memory.used() : 0;
		long max = (memory != null) ? memory.max() : 0;
		String policy = (memory != null && !memory.policy().isBlank()) ? memory.policy().trim() : "unknown";
		return new RedisServerFacts(info.getProperty("redis_version", "unknown").trim(),
				role.equals("slave") ? "replica" : role, used, max, policy, Eviction.of(policy, max), Map.of(), readAt);
	}

	/**
	 * The facts of a Redis Cluster: its masters' {@code INFO}, and its shape.
	 * @param masters each master's {@code INFO} (the default sections) that could be read
	 * @param shape the cluster's state and nodes
	 */
	public static RedisServerFacts ofCluster(Collection<Properties> masters, Map<String, Object> shape,
			Instant readAt) {
		Collection<String> versions = new TreeSet<>();
		Collection<String> policies = new TreeSet<>();
		RedisServerFacts fullest = null;
		Eviction riskiest = Eviction.NONE;
		for (Properties info : masters) {
			RedisServerFacts master = of(info, readAt);
			versions.add(master.version());
			policies.add(master.evictionPolicy());
			if (fullest == null || master.memory().freeShare() < fullest.memory().freeShare()) {
				fullest = master;
			}
			if (master.eviction().risk().compareTo(riskiest.risk()) > 0) {
				riskiest = master.eviction();
			}
		}
		return new RedisServerFacts(versions.isEmpty() ? "unknown" : String.join(", ", versions), "cluster",
				(fullest != null) ? fullest.usedMemory() : 0, (fullest != null) ? fullest.maxMemory() : 0,
				policies.isEmpty() ? "unknown" : String.join(", ", policies), riskiest, Map.of("cluster", shape),
				readAt);
	}

	/** These facts with Sentinel's view of the master. */
	public RedisServerFacts withSentinel(Map<String, Object> shape) {
		return new RedisServerFacts(this.version, this.role, this.usedMemory, this.maxMemory, this.evictionPolicy,
				this.eviction, Map.of("sentinel", shape), this.readAt);
	}

	private RedisMemory memory() {
		return new RedisMemory(this.usedMemory, this.maxMemory, this.evictionPolicy);
	}

	/**
	 * The facts as health details, with a {@code warning} when the eviction policy puts
	 * keys of the capabilities that are on at risk.
	 */
	public Map<String, Object> details(Capabilities on) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("version", this.version);
		details.put("role", this.role);
		details.put("usedMemory", this.usedMemory);
		details.put("maxMemory", this.maxMemory);
		details.put("evictionPolicy", this.evictionPolicy);
		details.putAll(this.topology);
		details.put("serverInfoAt", this.readAt.toString());
		String warning = this.eviction.warning(on);
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

	/** The capabilities that are on, whose keys an eviction can hurt. */
	public record Capabilities(boolean caches, boolean rateLimits, boolean sessions, boolean queues) {

		public static final Capabilities ALL = new Capabilities(true, true, true, true);

	}

	/** Which keys a server's eviction policy can take, and with which settings. */
	public enum Risk {

		/** {@code noeviction}, or no {@code maxmemory}: Redis never evicts. */
		NONE,

		/** A {@code volatile-*} policy: keys that expire. */
		EXPIRING_KEYS,

		/** An {@code allkeys-*} policy: any key. */
		ANY_KEY

	}

	/**
	 * @param risk which keys can go
	 * @param policy the policy that makes it so
	 * @param maxMemory the limit at which it does, in bytes
	 */
	public record Eviction(Risk risk, String policy, long maxMemory) {

		static final Eviction NONE = new Eviction(Risk.NONE, "noeviction", 0);

		static Eviction of(String policy, long maxMemory) {
			Risk risk = (maxMemory <= 0) ? Risk.NONE : policy.startsWith("allkeys-") ? Risk.ANY_KEY
					: policy.startsWith("volatile-") ? Risk.EXPIRING_KEYS : Risk.NONE;
			return new Eviction(risk, policy, maxMemory);
		}

		/**
		 * Why the policy puts keys of the capabilities that are on at risk, or
		 * {@code null} when it puts none: the {@code volatile-*} policies evict keys that
		 * expire (cache tombstones, rate-limit state, sessions), the {@code allkeys-*}
		 * policies also the job queue's, which never expire.
		 */
		public @Nullable String warning(Capabilities on) {
			if (this.risk == Risk.NONE) {
				return null;
			}
			List<String> atRisk = new ArrayList<>();
			if (this.risk == Risk.ANY_KEY && on.queues()) {
				atRisk.add("the job queue's keys (their jobs are lost)");
			}
			if (on.caches()) {
				atRisk.add("cache tombstones (an instance may then store a value an eviction replaced, stale until"
						+ " its TTL ends)");
			}
			if (on.rateLimits()) {
				atRisk.add("rate-limit state (a limit starts again, looser)");
			}
			if (on.sessions()) {
				atRisk.add("sessions (their users are signed out)");
			}
			if (atRisk.isEmpty()) {
				return null;
			}
			String which = (this.risk == Risk.ANY_KEY) ? "any key" : "keys that expire";
			return "Redis' maxmemory-policy is " + this.policy + " with maxmemory " + bytes(this.maxMemory)
					+ ": when Redis is full it evicts " + which + ", among them " + String.join(", ", atRisk)
					+ ". Set maxmemory-policy to noeviction on the Redis the starter uses (a full Redis then refuses"
					+ " writes, and the starter runs on its twins until it has room), or give the starter a Redis of"
					+ " its own";
		}

	}

}
