package io.github.redisstarter.connection;

import java.time.Instant;

/**
 * One change of backend, as told to {@link BackendSwitchListener}s.
 *
 * @param from the backend used until now
 * @param to the backend used from now on
 * @param reason why, in words fit for a log line (never holds a secret)
 * @param at when
 */
public record BackendSwitch(BackendMode from, BackendMode to, String reason, Instant at) {
}
