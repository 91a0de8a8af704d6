package io.github.redisstarter.autoconfigure.metrics;

import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@value #MODE}: 1 for the backend in force and 0 for the other, tagged
 * {@code mode=redis|memory}. {@value #SWITCHES}: switches, tagged
 * {@code direction=to-memory|to-redis}. {@value #PING_LATENCY}: the last PING's round
 * trip in seconds (NaN when it failed or none was sent). {@value #CALL_DEADLINE}: how
 * long a call waits for Redis now, in seconds: the deadline the failure detector derives
 * from Redis' usual latency. {@value #STALLED}: how long this JVM did not run since
 * startup, in seconds, as the failure detector measured it (evidence for a switch that
 * was the app's doing, not Redis').
 */
public class BackendMetrics implements MeterBinder, BackendSwitchListener {

	public static final String MODE = "redis.starter.backend.mode";

	public static final String SWITCHES = "redis.starter.backend.switches";

	public static final String PING_LATENCY = "redis.starter.backend.ping.latency";

	public static final String CALL_DEADLINE = "redis.starter.backend.call.deadline";

	public static final String STALLED = "redis.starter.backend.stalled";

	private final BackendState state;

	private final CopyOnWriteArrayList<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	public BackendMetrics(BackendState state) {
		this.state = state;
		state.addListener(this);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (BackendMode mode : BackendMode.values()) {
			Gauge.builder(MODE, this.state, s -> (s.mode() == mode) ? 1 : 0)
				.tag("mode", lower(mode))
				.description("1 for the backend in use (redis or memory), 0 for the other")
				.register(registry);
		}
		for (BackendMode mode : BackendMode.values()) {
			switchCounter(registry, mode);
		}
		Gauge.builder(PING_LATENCY, this.state, BackendMetrics::lastPingSeconds)
			.baseUnit("seconds")
			.description("Round trip of the last PING to Redis; NaN when it failed")
			.register(registry);
		Gauge.builder(CALL_DEADLINE, this.state, (s) -> s.callDeadline().toNanos() / 1e9)
			.baseUnit("seconds")
			.description("How long a call waits for Redis now: Redis' usual latency plus four deviations, within "
					+ "redis-starter.call-deadline and redis-starter.max-call-deadline")
			.register(registry);
		FunctionCounter.builder(STALLED, this.state, (s) -> s.stalledTime().toNanos() / 1e9)
			.baseUnit("seconds")
			.description("Time this JVM did not run (GC pauses, a starved CPU, a stopped process), as the failure "
					+ "detector measured it to leave it out of Redis' silences")
			.register(registry);
		this.registries.addIfAbsent(registry);
	}

	@Override
	public void onSwitch(BackendSwitch change) {
		for (MeterRegistry registry : this.registries) {
			switchCounter(registry, change.to()).increment();
		}
	}

	private static Counter switchCounter(MeterRegistry registry, BackendMode to) {
		return Counter.builder(SWITCHES)
			.tag("direction", "to-" + lower(to))
			.description("Switches between Redis and the in-memory twins")
			.register(registry);
	}

	private static double lastPingSeconds(BackendState state) {
		BackendState.Ping ping = state.lastPing();
		return (ping == null || ping.latency() == null) ? Double.NaN : ping.latency().toNanos() / 1e9;
	}

	private static String lower(BackendMode mode) {
		return mode.name().toLowerCase(Locale.ROOT);
	}

}
