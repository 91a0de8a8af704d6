package io.github.redisstarter.connection;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when {@code redis-starter.required=true} and the Redis user the app
 * connects as lacks a permission the starter needs (an ACL rule); without
 * {@code required}, the same finding is one ERROR line and the app runs on the in-memory
 * twins until the user has what it needs. The message names the missing rules and the
 * command that adds them, never a secret.
 */
public class RedisPermissionException extends RuntimeException {

	private final @Nullable RedisEndpoint endpoint;

	private final List<String> missing;

	private final String fix;

	/**
	 * @param endpoint where Redis is
	 * @param user the user the app connects as ({@code default} when it names none)
	 * @param missing the ACL rules the user lacks, such as {@code +get} or {@code ~rl:*}
	 * @param fullLine the whole ACL line the starter needs with the app's settings, the
	 * password left out
	 */
	public RedisPermissionException(@Nullable RedisEndpoint endpoint, String user, List<String> missing,
			String fullLine) {
		super("NOPERM the Redis user '" + user + "' lacks what the starter needs: " + String.join(" ", missing)
				+ ". Add it with: " + fix(user, missing) + " (the whole line for the capabilities on: " + fullLine
				+ ")");
		this.endpoint = endpoint;
		this.missing = List.copyOf(missing);
		this.fix = fix(user, missing);
	}

	private static String fix(String user, List<String> missing) {
		return "ACL SETUSER " + user + " " + String.join(" ", missing);
	}

	/** Where Redis is. */
	public @Nullable RedisEndpoint getEndpoint() {
		return this.endpoint;
	}

	/** The ACL rules the user lacks, such as {@code +get} or {@code ~rl:*}. */
	public List<String> getMissing() {
		return this.missing;
	}

	/** The ACL command that adds what is missing. */
	public String getFix() {
		return this.fix;
	}

}
