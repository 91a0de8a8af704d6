package io.github.redisstarter.connection.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.RedisDeadlineMissedException;
import io.github.redisstarter.connection.RedisPermissionException;

/**
 * Tells failures that mean "Redis is away" (the backend should switch) from failures that
 * are bugs and must reach the caller (a script error, WRONGTYPE), and words a failure for
 * a log line.
 */
public final class RedisFailures {

	/**
	 * Replies with which Redis says it cannot serve right now, though the connection is
	 * fine.
	 */
	private static final String[] UNAVAILABLE_REPLIES = { "LOADING", "NOAUTH", "WRONGPASS", "OOM ", "MASTERDOWN",
			"CLUSTERDOWN", "READONLY", "TRYAGAIN", "NOPERM" };

	/**
	 * What Redis says when a script calls a command its user may not run: Redis 7.0 as
	 * the reply and 6.2 inside "Error running script", without naming the command; Redis
	 * 7.2 and later (and Valkey) say "ACL failure in script: User ... has no permissions
	 * to run the 'get' command".
	 */
	private static final String[] SCRIPT_PERMISSION_REFUSALS = { "The user executing the script can't run",
			"ACL failure in script" };

	/** Replies with which Redis refuses writes while it still answers reads and PING. */
	private static final String[] WRITE_REFUSALS = { "OOM ", "READONLY" };

	/** Replies with which Redis refuses the app's credentials. */
	private static final String[] CREDENTIAL_REFUSALS = { "WRONGPASS", "NOAUTH" };

	private static final String[] OUT_OF_MEMORY = { "OOM " };

	private static final int MAX_CAUSE_DEPTH = 16;

	private RedisFailures() {
	}

	/**
	 * Whether this failure means Redis cannot be used right now, rather than a problem
	 * with the call itself.
	 */
	public static boolean isUnavailable(Throwable failure) {
		Throwable t = failure;
		for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
			if (t instanceof RedisConnectionFailureException || t instanceof QueryTimeoutException
					|| t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
					|| t instanceof ConnectException || t instanceof SocketException
					|| t instanceof ClosedChannelException || t instanceof TimeoutException
					|| t instanceof UnknownHostException || t instanceof SSLException) {
				return true;
			}
			if (isOwnPermissionRefusal(t)) {
				return true;
			}
			String message = reply(t);
			if (message != null && (message.startsWith("Currently not connected")
					|| message.startsWith("Connection closed") || message.startsWith("Connection is closed")
					|| message.startsWith("Connection disconnected") || startsWithUnavailableReply(message))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether Redis refused a command, a key or a channel to the app's user: an ACL
	 * permission is missing. The app answers from its twins until the user has it.
	 */
	public static boolean isPermissionRefusal(Throwable failure) {
		return causeMatching(failure,
				(t) -> isOwnPermissionRefusal(t) || (t.getMessage() != null && t.getMessage().startsWith("NOPERM")));
	}

	private static boolean isOwnPermissionRefusal(Throwable t) {
		return t instanceof RedisPermissionException || isScriptPermissionRefusal(t.getMessage());
	}

	private static boolean isScriptPermissionRefusal(@Nullable String message) {
		if (message != null) {
			for (String refusal : SCRIPT_PERMISSION_REFUSALS) {
				if (message.contains(refusal)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether this failure is an error reply of Redis (a script error, OOM, NOSCRIPT):
	 * Redis answered, so it is alive.
	 */
	public static boolean isReply(Throwable failure) {
		return causeMatching(failure, (t) -> t instanceof RedisCommandExecutionException);
	}

	/**
	 * Whether this failure is a call that missed the starter's deadline (rather than a
	 * dead connection).
	 */
	public static boolean isDeadlineMiss(Throwable failure) {
		return causeMatching(failure, (t) -> t instanceof RedisDeadlineMissedException);
	}

	/**
	 * Whether Redis refused a write (out of memory, or a read-only replica) while it may
	 * still answer PING.
	 */
	public static boolean isWriteRefusal(Throwable failure) {
		return causeRepliedWith(failure, WRITE_REFUSALS);
	}

	/**
	 * Whether Redis refused the app's credentials ({@code WRONGPASS}, or {@code NOAUTH}:
	 * none sent where needed).
	 */
	public static boolean isCredentialRefusal(Throwable failure) {
		return causeRepliedWith(failure, CREDENTIAL_REFUSALS);
	}

	/**
	 * What happened to Redis, for the head of a log line:
	 * {@code "refused the app's credentials"} when it did, else {@code "is unreachable"}.
	 */
	public static String whatHappened(Throwable failure) {
		if (isPermissionRefusal(failure)) {
			return "refused a command to the app's Redis user";
		}
		return isCredentialRefusal(failure) ? "refused the app's credentials" : "is unreachable";
	}

	/**
	 * Whether Redis refused a write because it is out of memory ({@code maxmemory} with
	 * {@code noeviction}).
	 */
	public static boolean isOutOfMemory(Throwable failure) {
		return causeRepliedWith(failure, OUT_OF_MEMORY);
	}

	/** Whether a cause's reply (see {@link #reply}) starts with one of these. */
	private static boolean causeRepliedWith(Throwable failure, String[] prefixes) {
		return causeMatching(failure, (t) -> {
			String reply = reply(t);
			return reply != null && startsWithAny(reply, prefixes);
		});
	}

	/**
	 * The message, or for an error a script's {@code redis.call} met on Redis 6 (which
	 * wraps it: {@code ERR Error
	 * running script (call to f_...): @user_script:75: @user_script: 75: -OOM command not allowed ...})
	 * the reply that the script met, so that an OOM inside the rate-limit script reads as
	 * the OOM it is (Redis 7 passes it on as is).
	 */
	private static @Nullable String reply(Throwable t) {
		String message = t.getMessage();
		if (message != null && message.startsWith("ERR Error running script")) {
			int wrapped = message.indexOf(": -");
			if (wrapped >= 0) {
				return message.substring(wrapped + ": -".length());
			}
		}
		return message;
	}

	private static boolean causeMatching(Throwable failure, java.util.function.Predicate<Throwable> test) {
		Throwable t = failure;
		for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
			if (test.test(t)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The cause in a few words, such as {@code connection refused}, {@code timed out} or
	 * {@code authentication failed (WRONGPASS)}, followed by the underlying message. Mask
	 * it with {@link Secrets} before it leaves the starter.
	 */
	public static String describe(Throwable failure) {
		Throwable root = failure;
		Throwable t = failure;
		for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
			root = t;
			String summary = summarise(t);
			if (summary != null) {
				return summary;
			}
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * {@link #describe(Throwable)}, with a hint where the endpoint explains the failure:
	 * a TLS handshake that gets no answer is what a plain-text port does to a TLS client,
	 * and a connection the server closes or resets at once is what a TLS port does to a
	 * plain-text client. Pass no endpoint once the server has answered over it: then the
	 * set-up cannot be the cause.
	 */
	public static String describe(Throwable failure, @Nullable RedisEndpoint endpoint) {
		String description = describe(failure);
		if (endpoint != null && endpoint.tls() && description.startsWith("timed out")) {
			return description + "; the TLS handshake got no answer: is the server plain-text? (use redis:// then)";
		}
		if (endpoint != null && !endpoint.tls()
				&& (description.startsWith("connection reset") || description.startsWith("connection closed"))) {
			return description
					+ "; a TLS port reached without TLS? use rediss:// or spring.data.redis.ssl.enabled=true";
		}
		return description;
	}

	private static @Nullable String summarise(Throwable t) {
		String message = (t.getMessage() != null) ? t.getMessage() : "";
		String lower = message.toLowerCase(Locale.ROOT);
		if (message.startsWith("WRONGPASS")) {
			return "authentication failed (WRONGPASS: wrong username or password)";
		}
		if (t instanceof RedisPermissionException) {
			return message.substring("NOPERM ".length());
		}
		if (message.startsWith("NOPERM") || isScriptPermissionRefusal(message)) {
			return "permission denied (" + message + "); " + permissionHint(message);
		}
		if (message.startsWith("NOAUTH")) {
			return "authentication required (NOAUTH: Redis wants a password and none was sent)";
		}
		if (t instanceof SSLException || lower.contains("not an ssl/tls record") || lower.contains("handshake")) {
			return "TLS handshake failed (" + message + "): " + tlsHint(lower);
		}
		if (t instanceof UnknownHostException) {
			return "unknown host (" + message + ")";
		}
		if (t instanceof ConnectException && lower.contains("refused")) {
			return "connection refused";
		}
		if (t instanceof NoRouteToHostException) {
			return "no route to host";
		}
		if (t instanceof TimeoutException || t instanceof RedisCommandTimeoutException
				|| t instanceof QueryTimeoutException || lower.contains("timed out") || lower.contains("timeout")) {
			return "timed out (" + message + ")";
		}
		// NIO says "Connection reset"; Netty's epoll transport (which a WebFlux app
		// brings)
		// "recvAddress(..) failed with error(-104): Connection reset by peer".
		if (lower.startsWith("connection reset") || lower.endsWith("connection reset by peer")) {
			return "connection reset by the server (" + message + ")";
		}
		if (lower.startsWith("connection closed")) {
			return "connection closed by the server (" + message + ")";
		}
		if (message.startsWith("Currently not connected")) {
			return "not connected (the client is reconnecting)";
		}
		String reply = reply(t);
		if (reply != null && startsWithUnavailableReply(reply)) {
			return "Redis refused the command (" + reply + ")";
		}
		return null;
	}

	/** The likely cause of a failed handshake, as far as its words tell. */
	private static String tlsHint(String lower) {
		if (lower.contains("subject alternative") || lower.contains("no name matching")) {
			return "the server's certificate does not name the host the app connects to (hostname verification); "
					+ "connect by a name the certificate holds";
		}
		if (lower.contains("pkix") || lower.contains("certification path")) {
			return "the server's certificate is not signed by an authority the app trusts; name an SSL bundle with "
					+ "the authority's certificate (spring.data.redis.ssl.bundle)";
		}
		if (lower.contains("bad_certificate") || lower.contains("unknown_ca") || lower.contains("certificate_required")
				|| lower.contains("certificate_unknown") || lower.contains("decrypt_error")) {
			return "the server refused the app's client certificate, or wants one and got none; put a certificate "
					+ "its authority signed in the SSL bundle's keystore";
		}
		return "is the server plain-text while the URL says rediss://?";
	}

	/** What to add to the user's ACL, as far as Redis' refusal tells. */
	private static String permissionHint(String refusal) {
		String whole = " (docs/security.md gives the whole line)";
		int quote = refusal.indexOf("run the '");
		if (quote >= 0) {
			int end = refusal.indexOf('\'', quote + 9);
			if (end > quote + 9) {
				return "add +" + refusal.substring(quote + 9, end) + " to the user's ACL" + whole;
			}
		}
		if (refusal.contains("access one of the keys") || refusal.contains("access a key")) {
			return "let the user touch the starter's keys (~rl:* ~cache:* ~redis-starter:probe with the default "
					+ "prefixes)" + whole;
		}
		if (refusal.contains("access one of the channels") || refusal.contains("access a channel")) {
			return "let the user use the starter's channels (&*)" + whole;
		}
		return "a command inside the starter's scripts is refused: they call GET, SET and TIME (+get +set +time)"
				+ whole;
	}

	private static boolean startsWithUnavailableReply(String message) {
		return startsWithAny(message, UNAVAILABLE_REPLIES);
	}

	private static boolean startsWithAny(String message, String[] prefixes) {
		for (String prefix : prefixes) {
			if (message.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
