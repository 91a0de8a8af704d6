package io.github.redisstarter.queue;

/**
 * The queue's Redis is away (or did not answer within the call deadline), so the call
 * could not be done. Thrown at once while the backend is on the twins, and within the
 * call deadline otherwise, never after a hang. An {@code add} that throws this while the
 * backend is on the twins added nothing; one whose call missed its deadline may have
 * reached Redis, so adding again is safe only with an id ({@link JobOptions#id()}), which
 * makes the second add return the first job.
 */
public class QueueUnavailableException extends RuntimeException {

	public QueueUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

	public QueueUnavailableException(String message) {
		super(message);
	}

}
