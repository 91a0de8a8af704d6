package io.github.redisstarter.queue;

/**
 * Hears the {@link JobEvent}s of this instance, on the thread where they happen (a
 * worker's, or the caller of {@code add}): keep it quick. A listener that throws is
 * logged and does not change the job.
 */
@FunctionalInterface
public interface JobListener {

	void onEvent(JobEvent event);

}
