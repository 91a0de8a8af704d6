package io.github.redisstarter.queue;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A job as its queue keeps it, read at one moment.
 *
 * @param id its id: given at {@code add} ({@link JobOptions#id()}) or random
 * @param queue the queue it is in
 * @param name what it is, as given at {@code add} (such as {@code thumbnail})
 * @param state where it is now
 * @param payload its payload, as JSON
 * @param priority 0 to 9
 * @param attempts how many attempts have started
 * @param maxAttempts how many attempts it may have
 * @param progress what its handler last reported, 0 to 100
 * @param result what its handler returned, as JSON, once completed ({@code null} for
 * none)
 * @param error why its last attempt failed, or why it was cancelled
 * @param createdAt when it was added
 * @param runAt when a delayed job becomes ready
 * @param finishedAt when it completed or failed for good
 */
public record Job(String id, String queue, String name, JobState state, String payload, int priority, int attempts,
		int maxAttempts, int progress, @Nullable String result, @Nullable String error, Instant createdAt,
		@Nullable Instant runAt, @Nullable Instant finishedAt) {

}
