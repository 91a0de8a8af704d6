/**
 * Publish/subscribe across the app's instances:
 * {@link io.github.redisstarter.broadcast.Broadcaster} on Redis pub/sub or within one
 * instance, with mailboxes that keep a slow or failing listener from holding up the
 * others. {@link io.github.redisstarter.broadcast.Broadcasters} makes either outside
 * Spring.
 */
@NullMarked
package io.github.redisstarter.broadcast;

import org.jspecify.annotations.NullMarked;
