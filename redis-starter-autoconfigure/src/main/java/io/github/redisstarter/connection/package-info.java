/**
 * The connection to Redis and the one decision every capability follows: is Redis in use
 * right now, or are the in-memory twins?
 * {@link io.github.redisstarter.connection.BackendState} owns that decision,
 * {@link io.github.redisstarter.connection.BackendMonitor} keeps it true by pinging, and
 * {@link io.github.redisstarter.connection.Failover} runs one call on the right side.
 */
@NullMarked
package io.github.redisstarter.connection;

import org.jspecify.annotations.NullMarked;
