package io.github.redisstarter.ratelimit.web;

/**
 * A {@link RateLimited} handler that cannot be limited as written: an unknown limit, a
 * key that is not SpEL, or a cost no band allows. Thrown at startup, when the handlers
 * are checked, so that no request meets it.
 */
public class InvalidRateLimitedException extends IllegalStateException {

	private final String annotation;

	private final String problem;

	public InvalidRateLimitedException(String annotation, String problem, Throwable cause) {
		super(annotation + " is invalid: " + problem, cause);
		this.annotation = annotation;
		this.problem = problem;
	}

	/**
	 * The annotation and the handler it is on, such as
	 * {@code @RateLimited(limit = "api", ...) on Orders#list()}.
	 */
	public String getAnnotation() {
		return this.annotation;
	}

	/** What is wrong with it, with the accepted values. */
	public String getProblem() {
		return this.problem;
	}

}
