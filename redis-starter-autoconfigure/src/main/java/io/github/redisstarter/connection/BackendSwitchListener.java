package io.github.redisstarter.connection;

/**
 * Told once per switch, on a dedicated thread (never a caller's), in the order the switches happened. A capability
 * that has work to do on a switch (clear a near cache, replay evictions) registers one instead of polling the mode.
 */
@FunctionalInterface
public interface BackendSwitchListener {

	void onSwitch(BackendSwitch change);

}
