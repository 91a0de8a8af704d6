package io.github.redisstarter.sample.notifications;

import java.time.Instant;

/**
 * A notification as it travels: through the Broadcaster to every instance, then as a JSON
 * text frame to every WebSocket client.
 *
 * @param text what was posted
 * @param at when it was posted
 * @param from the instance it was posted to
 */
public record Notification(String text, Instant at, String from) {
}
