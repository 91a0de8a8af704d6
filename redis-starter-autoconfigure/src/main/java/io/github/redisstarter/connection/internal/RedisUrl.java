package io.github.redisstarter.connection.internal;

import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * A Redis URL checked before Spring Data sees it, so that a mistake is reported with the
 * setting's name, the value masked, and the accepted form, instead of a bare parser error
 * that prints the password.
 *
 * @param tls whether the scheme is {@code rediss}
 * @param host the host
 * @param port the port, or {@code -1} when the URL names none
 * @param database the database index from the path, {@code 0} when absent
 * @param hasCredentials whether the URL carries a password (and perhaps a username)
 */
public record RedisUrl(boolean tls, String host, int port, int database, boolean hasCredentials) {

	/** The accepted form, for error messages. */
	public static final String ACCEPTED_FORM = "redis://[[username]:password@]host[:port][/database] or rediss://... "
			+ "for TLS, with special characters in the password percent-encoded (for example @ as %40)";

	/**
	 * Checks a URL.
	 * @throws IllegalArgumentException with a reason that never repeats the URL (it may
	 * hold a password)
	 */
	public static RedisUrl parse(String url) {
		if (url.isBlank()) {
			throw new IllegalArgumentException("it is blank");
		}
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(
					"it is not a valid URL (" + ex.getReason() + " at index " + ex.getIndex() + ")");
		}
		String scheme = uri.getScheme();
		if (scheme == null) {
			throw new IllegalArgumentException("it has no scheme");
		}
		if (!scheme.equals("redis") && !scheme.equals("rediss")) {
			throw new IllegalArgumentException("the scheme '" + scheme + "' is not redis or rediss");
		}
		String host = uri.getHost();
		if (host == null || host.isEmpty()) {
			throw new IllegalArgumentException(hostProblem(uri.getRawAuthority()));
		}
		int port = uri.getPort();
		if (port == 0 || port > 65535) {
			throw new IllegalArgumentException("the port " + port + " is not between 1 and 65535");
		}
		return new RedisUrl(scheme.equals("rediss"), host, port, database(uri.getPath()), uri.getRawUserInfo() != null);
	}

	private static String hostProblem(@Nullable String rawAuthority) {
		if (rawAuthority == null || rawAuthority.isEmpty()) {
			return "it has no host";
		}
		if (rawAuthority.indexOf('@') != rawAuthority.lastIndexOf('@')) {
			return "the credentials contain '@': percent-encode it as %40";
		}
		String hostAndPort = rawAuthority.substring(rawAuthority.lastIndexOf('@') + 1);
		int colon = hostAndPort.lastIndexOf(':');
		if (colon >= 0 && !hostAndPort.substring(colon + 1).chars().allMatch(Character::isDigit)) {
			return "the port '" + hostAndPort.substring(colon + 1) + "' is not a number";
		}
		if (hostAndPort.contains("_")) {
			return "the host '" + hostAndPort + "' contains '_', which host names may not";
		}
		return "the host in '" + hostAndPort + "' is not valid";
	}

	private static int database(@Nullable String path) {
		if (path == null || path.isEmpty() || path.equals("/")) {
			return 0;
		}
		String index = path.substring(1);
		if (!index.chars().allMatch(Character::isDigit) || index.length() > 9) {
			throw new IllegalArgumentException("the database '" + index + "' is not a number (0, 1, 2, ...)");
		}
		return Integer.parseInt(index);
	}

}
