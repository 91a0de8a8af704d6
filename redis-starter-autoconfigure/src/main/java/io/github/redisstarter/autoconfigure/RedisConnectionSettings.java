package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.internal.Secrets;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.core.env.Environment;

/**
 * What the starter needs to know of Boot's Redis connection settings, read without
 * opening a connection.
 */
final class RedisConnectionSettings {

	/**
	 * Any of these set means the app asked for Redis (the REDIS_* aliases map onto them).
	 */
	private static final List<String> ENDPOINT_PROPERTIES = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.username", "spring.data.redis.password",
			"spring.data.redis.cluster.nodes", "spring.data.redis.sentinel.master", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.masterreplica.nodes");

	/**
	 * Boot's own adapter of the properties; any other details bean is a service
	 * connection (Testcontainers, ...).
	 */
	private static final String PROPERTIES_DETAILS = "org.springframework.boot.data.redis.autoconfigure."
			+ "PropertiesDataRedisConnectionDetails";

	private RedisConnectionSettings() {
	}

	/**
	 * Whether Redis is configured at all. With nothing configured Boot still connects to
	 * localhost:6379, so "a connection factory exists" cannot answer this.
	 */
	static boolean isConfigured(Environment environment, DataRedisConnectionDetails details) {
		if (!PROPERTIES_DETAILS.equals(details.getClass().getName())) {
			return true;
		}
		Binder binder = Binder.get(environment);
		return ENDPOINT_PROPERTIES.stream()
			.anyMatch(name -> binder.bind(name, Bindable.of(Object.class)).isBound()
					|| binder.bind(name, Bindable.listOf(String.class)).isBound());
	}

	static RedisEndpoint endpoint(Environment environment, DataRedisConnectionDetails details) {
		String url = environment.getProperty("spring.data.redis.url", "");
		boolean tls = url.startsWith("rediss:") || details.getSslBundle() != null
				|| environment.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
		DataRedisConnectionDetails.Cluster cluster = details.getCluster();
		if (cluster != null) {
			return new RedisEndpoint("cluster " + nodes(cluster.getNodes()), tls, details.getUsername(), 0);
		}
		DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
		if (sentinel != null) {
			return new RedisEndpoint("sentinel master '" + sentinel.getMaster() + "' via " + nodes(sentinel.getNodes()),
					tls, details.getUsername(), sentinel.getDatabase());
		}
		DataRedisConnectionDetails.MasterReplica masterReplica = details.getMasterReplica();
		if (masterReplica != null) {
			return new RedisEndpoint("master/replica " + nodes(masterReplica.getNodes()), tls, details.getUsername(),
					0);
		}
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		int port = (standalone.getPort() > 0) ? standalone.getPort() : 6379;
		return new RedisEndpoint(hostAndPort(standalone.getHost(), port), tls, details.getUsername(),
				standalone.getDatabase());
	}

	/** The passwords Boot will send, to be masked wherever they might show up. */
	static Secrets secrets(@Nullable DataRedisConnectionDetails details) {
		List<@Nullable String> secrets = new ArrayList<>();
		if (details != null) {
			secrets.add(details.getPassword());
			DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
			if (sentinel != null) {
				secrets.add(sentinel.getPassword());
			}
		}
		return Secrets.of(secrets);
	}

	private static String nodes(List<Node> nodes) {
		return nodes.stream().map(node -> hostAndPort(node.host(), node.port())).collect(Collectors.joining(","));
	}

	private static String hostAndPort(String host, int port) {
		return (host.contains(":") && !host.startsWith("[")) ? "[" + host + "]:" + port : host + ":" + port;
	}

}
