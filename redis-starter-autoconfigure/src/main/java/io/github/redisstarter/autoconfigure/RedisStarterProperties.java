package io.github.redisstarter.autoconfigure;

import java.time.Duration;

import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.internal.RedisSubscriber;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the starter ({@code redis-starter.*}). Where Redis is lives in Spring
 * Boot's own {@code spring.data.redis.*} properties, or in the {@code REDIS_*}
 * environment variables.
 */
@ConfigurationProperties("redis-starter")
public class RedisStarterProperties {

	/**
	 * How the backend is chosen: 'auto' uses Redis when it is configured and answers a
	 * PING and the in-memory twins otherwise, switching both ways at runtime; 'redis'
	 * always uses Redis (calls fail while it is away); 'memory' never contacts Redis.
	 */
	private BackendSelection mode = BackendSelection.AUTO;

	/**
	 * Whether startup fails when Redis is not configured or does not answer the startup
	 * PING, instead of falling back to the in-memory twins.
	 */
	private boolean required;

	/**
	 * Whether the app's Redis user is checked at startup (and after Redis refused it a
	 * command) for every permission the capabilities that are on need: a user that lacks
	 * one is reported in one ERROR line naming the ACL rules to add, and the app runs on
	 * the in-memory twins until it has them (with 'required', startup fails).
	 */
	private boolean checkPermissions = true;

	/**
	 * How long a PING may take before Redis counts as unreachable, at startup and
	 * afterwards.
	 */
	private Duration pingTimeout = Duration.ofSeconds(2);

	/**
	 * How often Redis is pinged: while on the twins, to take Redis back; while on Redis,
	 * to notice an outage.
	 */
	private Duration pingInterval = Duration.ofMillis(100);

	/**
	 * The shortest time a rate-limit check or a cache call waits for Redis. The deadline
	 * follows what this Redis usually takes (a smoothed round trip plus four deviations)
	 * and never drops below this. A call not answered by its deadline is abandoned and
	 * answered by the in-memory twin (the local limiter, the cache's loader); Redis
	 * silent for two deadlines while calls wait counts as hung and switches the app to
	 * the twins.
	 */
	private Duration callDeadline = Duration.ofMillis(100);

	/**
	 * The longest time a call waits for Redis, however slow Redis has been lately, and
	 * how long a cache eviction waits. A Redis whose answers take longer than this on
	 * average counts as hung. At least 'call-deadline'.
	 */
	private Duration maxCallDeadline = Duration.ofMillis(500);

	/**
	 * How long every probe of Redis must succeed, each within 'max-call-deadline', before
	 * the app returns to Redis from the in-memory twins. Doubles after each trip that
	 * comes less than ten such waits after a return (the same trouble going on), up to
	 * 'max-return-after'.
	 */
	private Duration returnAfter = Duration.ofMillis(200);

	/**
	 * The longest 'return-after' grows to after repeated trips. At least 'return-after'.
	 */
	private Duration maxReturnAfter = Duration.ofSeconds(30);

	/**
	 * Command timeout applied to the Lettuce client when 'spring.data.redis.timeout' is
	 * not set (Lettuce's own default is 60 s, which would stall every caller during an
	 * outage).
	 */
	private Duration commandTimeout = Duration.ofSeconds(1);

	/**
	 * Connect timeout applied when 'spring.data.redis.connect-timeout' is not set
	 * (Lettuce's own default is 10 s).
	 */
	private Duration connectTimeout = Duration.ofSeconds(2);

	/**
	 * Upper bound of the delay between Lettuce's reconnect attempts (its own grows to 30
	 * s).
	 */
	private Duration maxReconnectDelay = Duration.ofMillis(250);

	/**
	 * How long an answered heartbeat vouches for the pub/sub subscription (a PING every
	 * quarter of it). Near copies are used only within it, a heartbeat unanswered for it
	 * is a gap (near copies dropped), and an acknowledged eviction waits at most this
	 * long for an instance that does not acknowledge. At least 4ms.
	 */
	private Duration subscriptionLease = RedisSubscriber.DEFAULT_LEASE;

	private final Health health = new Health();

	public BackendSelection getMode() {
		return this.mode;
	}

	public void setMode(BackendSelection mode) {
		this.mode = mode;
	}

	public boolean isRequired() {
		return this.required;
	}

	public void setRequired(boolean required) {
		this.required = required;
	}

	public boolean isCheckPermissions() {
		return this.checkPermissions;
	}

	public void setCheckPermissions(boolean checkPermissions) {
		this.checkPermissions = checkPermissions;
	}

	public Duration getPingTimeout() {
		return this.pingTimeout;
	}

	public void setPingTimeout(Duration pingTimeout) {
		this.pingTimeout = pingTimeout;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public Duration getCallDeadline() {
		return this.callDeadline;
	}

	public void setCallDeadline(Duration callDeadline) {
		this.callDeadline = callDeadline;
	}

	public Duration getMaxCallDeadline() {
		return this.maxCallDeadline;
	}

	public void setMaxCallDeadline(Duration maxCallDeadline) {
		this.maxCallDeadline = maxCallDeadline;
	}

	public Duration getReturnAfter() {
		return this.returnAfter;
	}

	public void setReturnAfter(Duration returnAfter) {
		this.returnAfter = returnAfter;
	}

	public Duration getMaxReturnAfter() {
		return this.maxReturnAfter;
	}

	public void setMaxReturnAfter(Duration maxReturnAfter) {
		this.maxReturnAfter = maxReturnAfter;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getMaxReconnectDelay() {
		return this.maxReconnectDelay;
	}

	public void setMaxReconnectDelay(Duration maxReconnectDelay) {
		this.maxReconnectDelay = maxReconnectDelay;
	}

	public Duration getSubscriptionLease() {
		return this.subscriptionLease;
	}

	public void setSubscriptionLease(Duration subscriptionLease) {
		this.subscriptionLease = subscriptionLease;
	}

	public Health getHealth() {
		return this.health;
	}

	/** The actuator health contributor. */
	public static class Health {

		/**
		 * Health status reported while a configured Redis is unreachable and the app runs
		 * on the in-memory twins. The app is working, so the default is UP; set DOWN,
		 * OUT_OF_SERVICE or a custom status such as DEGRADED (and map it with
		 * management.endpoint.health.status.*) to see fallback in the overall status.
		 */
		private String fallbackStatus = "UP";

		private final ServerInfo serverInfo = new ServerInfo();

		public ServerInfo getServerInfo() {
			return this.serverInfo;
		}

		public String getFallbackStatus() {
			return this.fallbackStatus;
		}

		public void setFallbackStatus(String fallbackStatus) {
			this.fallbackStatus = fallbackStatus;
		}

		/** What the health component tells of the Redis server. */
		public static class ServerInfo {

			/**
			 * Whether the 'redis' health component tells what Redis is (version, role,
			 * memory, eviction policy, Cluster or Sentinel shape), read with INFO in the
			 * background.
			 */
			private boolean enabled = true;

			/**
			 * Maximum age of the Redis server info shown by the 'redis' health component
			 * before a health request has it read again in the background.
			 */
			private Duration maxAge = Duration.ofMinutes(1);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getMaxAge() {
				return this.maxAge;
			}

			public void setMaxAge(Duration maxAge) {
				this.maxAge = maxAge;
			}

		}

	}

}
