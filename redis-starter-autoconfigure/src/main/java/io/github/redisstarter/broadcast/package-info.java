/**
 * Publish/subscribe across the app's instances:
 * {@link io.github.redisstarter.broadcast.Broadcaster} on Redis pub/sub
 * ({@link io.github.redisstarter.broadcast.RedisBroadcaster}) or within one instance
 * ({@link io.github.redisstarter.broadcast.InMemoryBroadcaster}), with mailboxes that
 * keep a slow or failing listener from holding up the others.
 */
@NullMarked
package io.github.redisstarter.broadcast;

import org.jspecify.annotations.NullMarked;
