package io.github.redisstarter.connection;

import org.jspecify.annotations.Nullable;

/**
 * Told once per switch, on a dedicated thread (never a caller's), in the order the
 * switches happened. A capability that has work to do on a switch (clear a near cache,
 * replay evictions) registers one instead of polling the mode.
 */
@FunctionalInterface
public interface BackendSwitchListener {

	void onSwitch(BackendSwitch change);

	/**
	 * What this capability does while Redis is away, in a few words for the one log line
	 * of the switch (such as "broadcasts reach this instance's listeners only");
	 * {@code null} to add nothing. Each switch is logged once, by {@link BackendState},
	 * so listeners log nothing of their own.
	 */
	default @Nullable String whileAway() {
		return null;
	}

}
