package io.github.redisstarter.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.ServerFacts;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the Redis backend as the app lives it. On Redis: UP while PINGs succeed, DOWN
 * when they fail (which only lasts while {@code redis-starter.mode=redis}; in auto mode a
 * failure switches to the twins). On the twins after a configured Redis went away: the
 * configured fallback status, UP by default, because the app is working. On the twins by
 * choice (memory mode, or nothing configured): UP. A health request sends no command: it
 * reports the monitor's last PING, and what Redis is (version, role, memory, eviction
 * policy, topology) as {@link ServerFacts} last read it in the background, with a
 * {@code warning} when the eviction policy can evict keys the starter relies on.
 */
public class BackendHealthIndicator extends AbstractHealthIndicator {

	private final BackendState state;

	private final Status fallbackStatus;

	private final @Nullable ServerFacts serverFacts;

	public BackendHealthIndicator(BackendState state, Status fallbackStatus) {
		this(state, fallbackStatus, null);
	}

	/**
	 * @param serverFacts what Redis is, read in the background; {@code null} to tell
	 * nothing of it
	 */
	public BackendHealthIndicator(BackendState state, Status fallbackStatus, @Nullable ServerFacts serverFacts) {
		super("Redis backend health check failed");
		this.state = state;
		this.fallbackStatus = fallbackStatus;
		this.serverFacts = serverFacts;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BackendState.Ping ping = this.state.lastPing();
		if (this.state.mode() == BackendMode.MEMORY) {
			builder.status(this.state.canFallBack() ? this.fallbackStatus : Status.UP);
		}
		else {
			builder.status((ping == null || ping.succeeded()) ? Status.UP : Status.DOWN);
		}
		builder.withDetails(details(ping));
	}

	private Map<String, Object> details(BackendState.Ping ping) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("mode", lower(this.state.mode()));
		details.put("selection", lower(this.state.selection()));
		details.put("since", this.state.since().toString());
		details.put("reason", this.state.reason());
		if (this.state.endpoint() != null) {
			details.put("endpoint", this.state.endpoint().describe());
			if (this.serverFacts != null) {
				details.putAll(this.serverFacts.details());
			}
			// What the failure detector judges lateness against: the deadline follows
			// Redis' usual latency.
			Map<String, Object> detector = new LinkedHashMap<>();
			detector.put("callDeadlineMillis", millis(this.state.callDeadline()));
			Duration latency = this.state.typicalLatency();
			if (latency != null) {
				detector.put("typicalLatencyMillis", millis(latency));
			}
			details.put("detector", detector);
		}
		if (ping != null) {
			Map<String, Object> lastPing = new LinkedHashMap<>();
			lastPing.put("at", ping.at().toString());
			if (ping.latency() != null) {
				lastPing.put("latencyMillis", millis(ping.latency()));
			}
			else {
				lastPing.put("failure", ping.failure());
			}
			details.put("lastPing", lastPing);
		}
		return details;
	}

	/** Milliseconds, rounded to two decimals. */
	private static double millis(Duration duration) {
		return Math.round(duration.toNanos() / 10_000.0) / 100.0;
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
