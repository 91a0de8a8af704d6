package io.github.redisstarter.autoconfigure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.redisstarter.connection.internal.RedisUrl;
import io.github.redisstarter.connection.internal.Secrets;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Honours the environment variables of the seed app ({@code REDIS_URL},
 * {@code REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_PASSWORD}, {@code REDIS_TLS}) and
 * their siblings for Cluster and Sentinel ({@code REDIS_CLUSTER_NODES},
 * {@code REDIS_SENTINEL_MASTER}, {@code REDIS_SENTINEL_NODES}) as aliases of
 * {@code spring.data.redis.*}, then checks the Redis URL and port before Spring Data
 * parses them. It also turns on Lettuce's cluster topology refresh by default.
 *
 * <p>
 * The aliases live in a property source added last, so that any explicit
 * {@code spring.data.redis.*} setting wins, and blank variables count as unset (an empty
 * {@code spring.data.redis.url} would fail startup).
 */
class RedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** The name of the property source that holds the aliases. */
	public static final String PROPERTY_SOURCE_NAME = "redisStarterEnvironmentAliases";

	/** The name of the property source that holds the starter's logging defaults. */
	public static final String LOGGING_DEFAULTS_NAME = "redisStarterLoggingDefaults";

	/**
	 * Lettuce's reconnect watchdog logs every attempt (INFO) and every failed one (WARN)
	 * while Redis is away; the starter says the same once, when it switches. Quiet by
	 * default; any {@code logging.level} the app sets wins.
	 */
	static final String WATCHDOG_LEVEL = "logging.level.io.lettuce.core.protocol.ConnectionWatchdog";

	/** The name of the property source that holds the starter's cluster defaults. */
	public static final String CLUSTER_DEFAULTS_NAME = "redisStarterClusterDefaults";

	/**
	 * Boot leaves Lettuce's cluster topology as it was first read: after a failover,
	 * commands keep going to the old master. Refreshed on Lettuce's adaptive triggers
	 * (MOVED, ASK, persistent reconnects, ...) and every 30 s by default; any value the
	 * app sets wins.
	 */
	static final Map<String, Object> CLUSTER_DEFAULTS = Map.of("spring.data.redis.lettuce.cluster.refresh.adaptive",
			"true", "spring.data.redis.lettuce.cluster.refresh.period", "30s");

	static final String URL = "spring.data.redis.url";

	static final String HOST = "spring.data.redis.host";

	static final String PORT = "spring.data.redis.port";

	static final String PASSWORD = "spring.data.redis.password";

	static final String SSL_ENABLED = "spring.data.redis.ssl.enabled";

	private static final int DEFAULT_PORT = 6379;

	private static final String PORT_FORM = "a whole number between 1 and 65535, such as 6379";

	private static final String BOOLEAN_FORM = "true or false (also yes/no, on/off, 1/0)";

	@Override
	public int getOrder() {
		// After config data (application.yml), so that explicit settings there are seen.
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources().remove(LOGGING_DEFAULTS_NAME);
		environment.getPropertySources()
			.addLast(new MapPropertySource(LOGGING_DEFAULTS_NAME, Map.of(WATCHDOG_LEVEL, "ERROR")));
		environment.getPropertySources().remove(CLUSTER_DEFAULTS_NAME);
		environment.getPropertySources().addLast(new MapPropertySource(CLUSTER_DEFAULTS_NAME, CLUSTER_DEFAULTS));
		environment.getPropertySources().remove(PROPERTY_SOURCE_NAME);
		Map<String, Object> aliases = aliases(environment);
		if (!aliases.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, aliases));
		}
		checkUrl(environment);
		checkPort(environment);
	}

	private Map<String, Object> aliases(ConfigurableEnvironment environment) {
		Map<String, Object> aliases = new LinkedHashMap<>();
		String url = variable(environment, "REDIS_URL");
		String password = variable(environment, "REDIS_PASSWORD");
		// Boot lets a URL win over host and port: an explicit host must not lose to a
		// REDIS_URL alias.
		boolean explicitEndpoint = findSource(environment, URL) != null || findSource(environment, HOST) != null;
		if (url != null && !explicitEndpoint) {
			aliases.put(URL, asSpringUrl(url, password));
		}
		putIfPresent(aliases, HOST, variable(environment, "REDIS_HOST"));
		String port = variable(environment, "REDIS_PORT");
		if (port != null) {
			aliases.put(PORT, checkedPort("REDIS_PORT", port));
		}
		putIfPresent(aliases, PASSWORD, password);
		putIfPresent(aliases, "spring.data.redis.cluster.nodes", variable(environment, "REDIS_CLUSTER_NODES"));
		putIfPresent(aliases, "spring.data.redis.sentinel.master", variable(environment, "REDIS_SENTINEL_MASTER"));
		putIfPresent(aliases, "spring.data.redis.sentinel.nodes", variable(environment, "REDIS_SENTINEL_NODES"));
		String tls = variable(environment, "REDIS_TLS");
		if (tls != null) {
			aliases.put(SSL_ENABLED, parseBoolean("REDIS_TLS", tls));
		}
		return aliases;
	}

	/**
	 * Makes a REDIS_URL usable as spring.data.redis.url. Spring Data needs an explicit
	 * port, while {@code redis://host} is a common way to write the default one: add it.
	 * And the seed app sets REDIS_URL and REDIS_PASSWORD side by side, but Boot ignores
	 * spring.data.redis.password when a URL is set: carry the password into a URL that
	 * has none.
	 */
	private static String asSpringUrl(String url, @Nullable String password) {
		RedisUrl parsed = parse("REDIS_URL", url);
		int authorityStart = url.indexOf("://") + 3;
		int authorityEnd = authorityStart;
		while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
			authorityEnd++;
		}
		String credentials = "";
		if (password != null && !parsed.hasCredentials()) {
			credentials = ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20") + "@";
		}
		String port = (parsed.port() == -1) ? ":" + DEFAULT_PORT : "";
		return url.substring(0, authorityStart) + credentials + url.substring(authorityStart, authorityEnd) + port
				+ url.substring(authorityEnd);
	}

	/**
	 * Checks an explicit spring.data.redis.url (an alias was checked when it was mapped).
	 */
	private void checkUrl(ConfigurableEnvironment environment) {
		String url = explicitValue(environment, URL);
		if (url != null && parse(URL, url).port() == -1) {
			throw new InvalidRedisSettingException(URL, Secrets.none().mask(url),
					"it names no port, and Spring Data Redis does not default it (add :" + DEFAULT_PORT + ")",
					"redis://[[username]:password@]host:port[/database] (the port is required here), or rediss://... "
							+ "for TLS, with special characters in the password percent-encoded");
		}
	}

	private void checkPort(ConfigurableEnvironment environment) {
		String port = explicitValue(environment, PORT);
		if (port != null) {
			checkedPort(PORT, port);
		}
	}

	private static RedisUrl parse(String setting, String url) {
		try {
			return RedisUrl.parse(url);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisSettingException(setting, Secrets.none().mask(url), ex.getMessage(),
					RedisUrl.ACCEPTED_FORM);
		}
	}

	private static String checkedPort(String setting, String value) {
		String trimmed = value.trim();
		boolean valid = !trimmed.isEmpty() && trimmed.length() <= 5 && trimmed.chars().allMatch(Character::isDigit)
				&& Integer.parseInt(trimmed) >= 1 && Integer.parseInt(trimmed) <= 65535;
		if (!valid) {
			throw new InvalidRedisSettingException(setting, value, "it is not a port number", PORT_FORM);
		}
		return trimmed;
	}

	private static String parseBoolean(String setting, String value) {
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "true", "yes", "on", "1" -> "true";
			case "false", "no", "off", "0" -> "false";
			default -> throw new InvalidRedisSettingException(setting, value, "it is not a boolean", BOOLEAN_FORM);
		};
	}

	/**
	 * The resolved value of a property set explicitly (not through an alias), or null.
	 */
	private static @Nullable String explicitValue(ConfigurableEnvironment environment, String property) {
		PropertySource<?> source = findSource(environment, property);
		if (source == null || PROPERTY_SOURCE_NAME.equals(source.getName())) {
			return null;
		}
		try {
			return environment.getProperty(property);
		}
		catch (IllegalArgumentException ex) {
			// An unresolvable placeholder: Boot reports it when it binds the property.
			return null;
		}
	}

	/**
	 * A variable's raw value (no placeholder resolution: a password may contain '$'), or
	 * null when unset or blank.
	 */
	private static @Nullable String variable(ConfigurableEnvironment environment, String name) {
		PropertySource<?> source = findSource(environment, name);
		Object value = (source != null) ? source.getProperty(name) : null;
		return (value == null || value.toString().isBlank()) ? null : value.toString().trim();
	}

	private static void putIfPresent(Map<String, Object> map, String key, @Nullable String value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	private static @Nullable PropertySource<?> findSource(ConfigurableEnvironment environment, String name) {
		for (PropertySource<?> source : environment.getPropertySources()) {
			// The attached configurationProperties source mirrors all the others; the
			// real origin is what matters.
			if (!"configurationProperties".equals(source.getName()) && source.getProperty(name) != null) {
				return source;
			}
		}
		return null;
	}

}
