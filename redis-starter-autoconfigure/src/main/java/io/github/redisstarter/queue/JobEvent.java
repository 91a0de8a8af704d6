package io.github.redisstarter.queue;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a job, told on the instance where it happened: the one that
 * added it, or the one whose worker runs it.
 *
 * @param attempt the attempt it concerns (0 for {@code ADDED})
 * @param detail the result ({@code COMPLETED}, as JSON), the error ({@code RETRYING},
 * {@code FAILED}), the progress ({@code PROGRESS}); {@code null} otherwise
 * @param duration how long the handler ran ({@code COMPLETED}, {@code RETRYING} and
 * {@code FAILED} of an attempt on this instance); {@code null} otherwise
 */
public record JobEvent(Type type, String queue, String jobId, String name, int attempt, @Nullable String detail,
		@Nullable Duration duration) {

	public enum Type {

		/** Added by this instance. */
		ADDED,

		/** Started on this instance. */
		ACTIVE,

		/** Its handler reported progress. */
		PROGRESS,

		/** Its handler returned. */
		COMPLETED,

		/** An attempt failed and another will follow after the backoff. */
		RETRYING,

		/** Its last attempt failed, or it was cancelled: it is a dead letter now. */
		FAILED

	}

}
