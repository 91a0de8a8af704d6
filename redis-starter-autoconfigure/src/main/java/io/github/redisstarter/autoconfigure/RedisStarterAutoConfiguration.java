package io.github.redisstarter.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.redisstarter.connection.internal.BackendMonitor;
import io.github.redisstarter.connection.internal.ClusterPing;
import io.github.redisstarter.connection.internal.PermissionCheck;
import io.github.redisstarter.connection.internal.RedisPermissions;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.internal.RedisMemory;
import io.github.redisstarter.connection.internal.RedisPing;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.RedisFailures;
import io.github.redisstarter.connection.internal.RedisServerFacts.Capabilities;
import io.github.redisstarter.connection.internal.Secrets;
import io.github.redisstarter.connection.internal.ServerFacts;
import io.github.redisstarter.connection.internal.ServerFactsReader;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.Delay;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;
import io.github.redisstarter.connection.internal.DefaultFailover;

/**
 * The backend decision every capability follows: {@link BackendMonitor} decides Redis or
 * the in-memory twins at startup and keeps {@link BackendState} true at runtime,
 * {@link Failover} runs calls on the right side, and the Lettuce client that Boot builds
 * is tuned so that an outage costs a caller at most one short command timeout.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ RedisConnectionFactory.class, DataRedisConnectionDetails.class })
@EnableConfigurationProperties(RedisStarterProperties.class)
public final class RedisStarterAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RedisStarterAutoConfiguration.class);

	private static final String DURATIONS = "positive durations such as 500ms or 2s; a max-call-deadline at least"
			+ " redis-starter.call-deadline, a max-return-after at least redis-starter.return-after, a"
			+ " subscription-lease of at least 4ms";

	/** A property of earlier versions that an app may still set. */
	private static final String NO_LONGER_USED = "redis-starter.deadline-misses";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	BackendMonitor redisStarterBackendMonitor(RedisStarterProperties properties, Environment environment,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<RedisConnectionFactory> connectionFactory) {
		if (environment.containsProperty(NO_LONGER_USED)) {
			logger.warn(NO_LONGER_USED
					+ " is no longer used and is ignored: missed deadlines are not counted any more; "
					+ "Redis counts as hung once it has answered nothing for two call deadlines while calls waited (see "
					+ "redis-starter.call-deadline and redis-starter.max-call-deadline)");
		}
		BackendMonitor.Settings settings = SettingRules.apply(environment, "redis-starter", DURATIONS,
				() -> new BackendMonitor.Settings(properties.getMode(), properties.isRequired(),
						properties.getPingTimeout(), properties.getPingInterval(), properties.getCallDeadline(),
						properties.getMaxCallDeadline(), properties.getReturnAfter(), properties.getMaxReturnAfter()));
		DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
		RedisEndpoint endpoint = endpoint(properties.getMode(), environment, details);
		// Resolved here, on the thread that creates beans, so that the startup PING's
		// thread never waits for bean
		// creation (it would then time the app's startup, not Redis).
		RedisPing ping = ping((endpoint != null) ? connectionFactory.getIfAvailable() : null,
				properties.isCheckPermissions() ? permissions(environment, details, endpoint) : null);
		return BackendMonitor.startUp(settings, endpoint, ping, RedisConnectionSettings.secrets(details),
				Clock.systemUTC());
	}

	/**
	 * On Redis Cluster, a probe of the cluster as it is now ({@link ClusterPing}); else a
	 * PING over the app's connection.
	 */
	private static RedisPing ping(@Nullable RedisConnectionFactory factory, @Nullable PermissionCheck permissions) {
		if (factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware()) {
			return new ClusterPing(lettuce, permissions);
		}
		return new ConnectionPing(factory, permissions);
	}

	/**
	 * What the capabilities that are on need of the app's Redis user, read from the same
	 * properties their auto-configurations bind.
	 */
	private static PermissionCheck permissions(Environment environment, @Nullable DataRedisConnectionDetails details,
			@Nullable RedisEndpoint endpoint) {
		// The conditions of the capabilities' auto-configurations: a property, and
		// Jackson
		// for the caches and broadcasts.
		Capabilities on = capabilities(environment);
		boolean rateLimits = on.rateLimits();
		boolean caches = on.caches();
		boolean broadcasts = json() && environment.getProperty("redis-starter.broadcast.enabled", Boolean.class, true);
		boolean redisTime = !"client"
			.equalsIgnoreCase(environment.getProperty("redis-starter.rate-limit.time-source", "redis").trim());
		boolean queues = on.queues();
		boolean sessions = on.sessions();
		RedisPermissions needs = new RedisPermissions(
				rateLimits ? environment.getProperty("redis-starter.rate-limit.key-prefix", "rl") : null,
				caches ? environment.getProperty("redis-starter.cache.key-prefix", "cache") : null, broadcasts,
				redisTime, queues ? environment.getProperty("redis-starter.queue.key-prefix", "queue") : null,
				sessions ? environment.getProperty("redis-starter.sessions.key-prefix", SESSION_KEY_PREFIX) : null);
		String user = (details != null && details.getUsername() != null) ? details.getUsername() : "default";
		return new PermissionCheck(needs, user, endpoint);
	}

	/**
	 * The capabilities that keep keys in Redis and are on, by the conditions of their
	 * auto-configurations that the environment can tell: a property, and Jackson for the
	 * caches and the queue.
	 */
	private static Capabilities capabilities(Environment environment) {
		return new Capabilities(json() && environment.getProperty("redis-starter.cache.enabled", Boolean.class, true),
				environment.getProperty("redis-starter.rate-limit.enabled", Boolean.class, true),
				sessionsOn(environment),
				json() && environment.getProperty("redis-starter.queue.enabled", Boolean.class, true));
	}

	private static boolean json() {
		return ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
				RedisStarterAutoConfiguration.class.getClassLoader());
	}

	/** Spring Session's default namespace, the sessions' default key prefix. */
	private static final String SESSION_KEY_PREFIX = "spring:session";

	/**
	 * The conditions of {@link SessionsAutoConfiguration} that the environment can tell:
	 * the property, Spring Session Data Redis, and a servlet web app (whose environment
	 * is a web one).
	 */
	static boolean sessionsOn(Environment environment) {
		ClassLoader loader = RedisStarterAutoConfiguration.class.getClassLoader();
		if (!environment.getProperty("redis-starter.sessions.enabled", Boolean.class, true)
				|| !ClassUtils.isPresent("org.springframework.session.data.redis.RedisSessionRepository", loader)
				|| !ClassUtils.isPresent("org.springframework.web.context.ConfigurableWebEnvironment", loader)) {
			return false;
		}
		return ClassUtils.resolveClassName("org.springframework.web.context.ConfigurableWebEnvironment", loader)
			.isInstance(environment);
	}

	/**
	 * PING, or a short-lived write when Redis last refused writes, over the app's own
	 * connection; after OOM, the monitor also reads INFO to see whether Redis has room to
	 * take the app's writes again (see {@link RedisMemory}). The permission check goes
	 * over the factory's shared connection (one of the starter's own when the factory
	 * shares none).
	 */
	static final class ConnectionPing implements RedisPing, AutoCloseable {

		private static final byte[] PROBE_KEY = RedisPermissions.PROBE_KEY.getBytes(StandardCharsets.UTF_8);

		private final @Nullable RedisConnectionFactory connectionFactory;

		private final @Nullable PermissionCheck permissions;

		private @Nullable SharedRedisCommands commands;

		ConnectionPing(@Nullable RedisConnectionFactory connectionFactory, @Nullable PermissionCheck permissions) {
			this.connectionFactory = connectionFactory;
			this.permissions = permissions;
		}

		@Override
		public void connect() {
			// With Boot's shared connection (the default), this opens it, and a first
			// PING loads what the client needs to send a command: the PING that is timed
			// next reuses both and measures Redis.
			ping();
		}

		@Override
		public void ping() {
			try (RedisConnection connection = factory().getConnection()) {
				connection.ping();
			}
		}

		@Override
		public void probeWrite() {
			try (RedisConnection connection = factory().getConnection()) {
				connection.stringCommands()
					.set(PROBE_KEY, PROBE_KEY, Expiration.milliseconds(2000), RedisStringCommands.SetOption.upsert());
			}
		}

		@Override
		public void checkPermissions() {
			if (this.permissions != null && factory() instanceof LettuceConnectionFactory lettuce) {
				this.permissions.require(commands(lettuce).get());
			}
		}

		private synchronized SharedRedisCommands commands(LettuceConnectionFactory lettuce) {
			if (this.commands == null) {
				this.commands = new SharedRedisCommands(lettuce);
			}
			return this.commands;
		}

		@Override
		public @Nullable RedisMemory memory() {
			try (RedisConnection connection = factory().getConnection()) {
				Properties info = connection.serverCommands().info("memory");
				return (info != null) ? RedisMemory.of(info) : null;
			}
			catch (RuntimeException ex) {
				// Not allowed to run INFO (an ACL user without it): the write probe alone
				// decides.
				return null;
			}
		}

		private RedisConnectionFactory factory() {
			if (this.connectionFactory == null) {
				throw new IllegalStateException("No RedisConnectionFactory bean to reach Redis with");
			}
			return this.connectionFactory;
		}

		@Override
		public synchronized void close() {
			if (this.commands != null) {
				this.commands.close();
			}
		}

	}

	/**
	 * Where Redis is, or null when the app runs without it: not configured in auto mode,
	 * or memory mode.
	 */
	private static @Nullable RedisEndpoint endpoint(BackendSelection selection, Environment environment,
			@Nullable DataRedisConnectionDetails details) {
		if (selection == BackendSelection.MEMORY || details == null) {
			return null;
		}
		boolean configured = RedisConnectionSettings.isConfigured(environment, details);
		// redis mode means "use Redis", so Boot's default localhost:6379 counts when
		// nothing else is set.
		return (configured || selection == BackendSelection.REDIS)
				? RedisConnectionSettings.endpoint(environment, details) : null;
	}

	@Bean
	@ConditionalOnMissingBean
	BackendState redisStarterBackendState(BackendMonitor monitor) {
		return monitor.state();
	}

	@Bean
	@ConditionalOnMissingBean
	Failover redisStarterFailover(BackendState state) {
		return new DefaultFailover(state);
	}

	/**
	 * What Redis is (version, role, memory, eviction policy, topology), read in the
	 * background for the health component and the queue's eviction check.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBean(LettuceConnectionFactory.class)
	@ConditionalOnBooleanProperty(name = "redis-starter.health.server-info.enabled", matchIfMissing = true)
	ServerFacts redisStarterServerFacts(LettuceConnectionFactory connectionFactory, BackendState state,
			RedisStarterProperties properties, ObjectProvider<DataRedisConnectionDetails> details,
			Environment environment) {
		Duration maxAge = SettingRules.apply(environment, "redis-starter.health.server-info",
				"a positive duration such as 1m",
				() -> SettingRules.positive("maxAge", properties.getHealth().getServerInfo().getMaxAge()));
		Secrets secrets = RedisConnectionSettings.secrets(details.getIfAvailable());
		// Reads run on Redis only: a failure is Redis' answer, and no hint about the
		// endpoint is due.
		Function<Throwable, String> describe = (failure) -> secrets.mask(RedisFailures.describe(failure));
		return new ServerFacts(new ServerFactsReader(connectionFactory, Clock.systemUTC(), describe), state, maxAge,
				describe, capabilities(environment));
	}

	/**
	 * The commands every capability sends to Redis on: the factory's shared connection,
	 * or one of the starter's own.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBean(LettuceConnectionFactory.class)
	SharedRedisCommands redisStarterRedisCommands(LettuceConnectionFactory connectionFactory) {
		return new SharedRedisCommands(connectionFactory);
	}

	/**
	 * The app's one pub/sub connection, opened lazily, for cache invalidations and
	 * broadcasts.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBean(LettuceConnectionFactory.class)
	RedisSubscriber redisStarterSubscriber(LettuceConnectionFactory connectionFactory,
			ObjectProvider<DataRedisConnectionDetails> details, RedisStarterProperties properties,
			Environment environment) {
		return SettingRules.apply(environment, "redis-starter", DURATIONS,
				() -> new RedisSubscriber(() -> connectPubSub(connectionFactory.getRequiredNativeClient()),
						RedisConnectionSettings.secrets(details.getIfAvailable()), properties.getSubscriptionLease()));
	}

	private static StatefulRedisPubSubConnection<String, String> connectPubSub(AbstractRedisClient client) {
		if (client instanceof RedisClusterClient cluster) {
			return cluster.connectPubSub(StringCodec.UTF8);
		}
		return ((RedisClient) client).connectPubSub(StringCodec.UTF8);
	}

	@Bean
	SmartLifecycle redisStarterBackendMonitorLifecycle(BackendMonitor monitor) {
		return new BackendMonitorLifecycle(monitor);
	}

	/**
	 * Bounds what an outage costs: commands are rejected at once while disconnected
	 * (Lettuce would queue them without bound), command and connect timeouts are short
	 * unless the app set its own, and reconnect attempts never wait long. Each customizer
	 * adds to the options Boot built; none replaces them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisClient.class)
	static class LettuceTuningConfiguration {

		/**
		 * Runs after the app's own customizers and adds to the socket options they set: a
		 * connect timeout unless one was set, and TCP keepalive (idle 30 s, then 3 probes
		 * 10 s apart) unless keepalive is on already: set by the app, or by Lettuce 7
		 * (Spring Boot 4.1), which turns it on itself (idle 13 s, then 3 probes 13 s
		 * apart).
		 */
		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE)
		LettuceClientOptionsBuilderCustomizer redisStarterClientOptionsCustomizer(DataRedisProperties redis,
				RedisStarterProperties properties, Environment environment) {
			Duration connectTimeout = checked(environment, "connectTimeout", properties.getConnectTimeout());
			return builder -> {
				builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).autoReconnect(true);
				SocketOptions current = builder.build().getSocketOptions();
				SocketOptions.Builder socket = current.mutate();
				if (redis.getConnectTimeout() == null
						&& current.getConnectTimeout().equals(SocketOptions.DEFAULT_CONNECT_TIMEOUT_DURATION)) {
					socket.connectTimeout(connectTimeout);
				}
				if (!current.isKeepAlive() && !current.getKeepAlive().isEnabled()) {
					socket.keepAlive(SocketOptions.KeepAliveOptions.builder()
						.enable()
						.idle(Duration.ofSeconds(30))
						.interval(Duration.ofSeconds(10))
						.count(3)
						.build());
				}
				builder.socketOptions(socket.build());
			};
		}

		@Bean
		LettuceClientConfigurationBuilderCustomizer redisStarterCommandTimeoutCustomizer(DataRedisProperties redis,
				RedisStarterProperties properties, Environment environment) {
			Duration commandTimeout = checked(environment, "commandTimeout", properties.getCommandTimeout());
			return builder -> {
				if (redis.getTimeout() == null) {
					builder.commandTimeout(commandTimeout);
				}
			};
		}

		@Bean
		ClientResourcesBuilderCustomizer redisStarterReconnectDelayCustomizer(RedisStarterProperties properties,
				Environment environment) {
			// Full jitter: a random delay up to the exponential one, so that instances
			// that lost Redis together do not
			// all knock at the same moments when it returns.
			Duration maxDelay = checked(environment, "maxReconnectDelay", properties.getMaxReconnectDelay());
			return builder -> builder
				.reconnectDelay(Delay.fullJitter(Duration.ofMillis(10), maxDelay, 10, TimeUnit.MILLISECONDS));
		}

	}

	/** A Lettuce timeout of {@code redis-starter.*}, which must be positive. */
	static Duration checked(Environment environment, String argument, Duration value) {
		return SettingRules.apply(environment, "redis-starter", DURATIONS,
				() -> SettingRules.positive(argument, value));
	}

	/** Runs the monitor's periodic PING between context start and stop. */
	static final class BackendMonitorLifecycle implements SmartLifecycle {

		private final BackendMonitor monitor;

		BackendMonitorLifecycle(BackendMonitor monitor) {
			this.monitor = monitor;
		}

		@Override
		public void start() {
			this.monitor.start();
		}

		@Override
		public void stop() {
			this.monitor.stop();
		}

		@Override
		public boolean isRunning() {
			return this.monitor.isRunning();
		}

	}

}
