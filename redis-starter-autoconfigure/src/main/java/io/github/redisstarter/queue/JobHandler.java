package io.github.redisstarter.queue;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean's method the {@link QueueHandler} of a queue. The method takes the payload
 * (read from JSON as the parameter's type), a {@link JobContext}, or both, in any order;
 * what it returns is the job's result. One handler per queue: a second one fails startup.
 *
 * <pre class="code">
 * &#64;JobHandler("media")
 * Digest thumbnail(MediaUpload upload, JobContext job) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JobHandler {

	/** The queue whose jobs the method runs. */
	String value();

}
