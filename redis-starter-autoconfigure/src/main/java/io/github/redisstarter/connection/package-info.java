/**
 * The one decision every capability follows, as users see it: is Redis in use right now,
 * or are the in-memory twins? {@link io.github.redisstarter.connection.BackendState}
 * tells it and announces each switch to
 * {@link io.github.redisstarter.connection.BackendSwitchListener}s, and
 * {@link io.github.redisstarter.connection.Failover} runs one call on the right side. How
 * the decision is made (the monitor, the failure detector, the calls and scripts) is in
 * {@code connection.internal}, which is not API.
 */
@NullMarked
package io.github.redisstarter.connection;

import org.jspecify.annotations.NullMarked;
