package io.github.redisstarter.connection.internal;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

import static org.assertj.core.api.Assertions.assertThat;
import io.github.redisstarter.connection.RedisEndpoint;

class RedisFailuresTests {

	@Test
	void connectionClassFailuresMeanRedisIsAway() {
		assertThat(RedisFailures.isUnavailable(new RedisConnectionFailureException("x",
				new RedisConnectionException("Unable to connect", new ConnectException("Connection refused")))))
			.isTrue();
		assertThat(RedisFailures.isUnavailable(new QueryTimeoutException("Redis command timed out"))).isTrue();
		assertThat(RedisFailures.isUnavailable(
				new RedisSystemException("x", new RedisException("Currently not connected. Commands are rejected."))))
			.isTrue();
		assertThat(RedisFailures.isUnavailable(new RedisSystemException("x",
				new RedisCommandExecutionException("LOADING Redis is loading the dataset in memory"))))
			.isTrue();
		assertThat(RedisFailures.isUnavailable(new RedisSystemException("x",
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."))))
			.isTrue();
		assertThat(RedisFailures.isUnavailable(new TimeoutException("no answer to PING within 2 s"))).isTrue();
	}

	/**
	 * What Redis 7.0 and the embedded 6.2 answer (seen on both) when the app's ACL user
	 * lacks a command, a key or a channel, directly or inside a script.
	 */
	@Test
	void aPermissionRefusalIsAnsweredByTheTwinsAndSaysWhatToAdd() {
		String[] refusals = { "NOPERM this user has no permissions to run the 'get' command",
				"NOPERM this user has no permissions to run the 'get' command or its subcommand",
				"NOPERM this user has no permissions to access one of the keys used as arguments",
				"NOPERM this user has no permissions to access one of the channels used as arguments",
				"ERR The user executing the script can't run this command or subcommand script: d3c2, on "
						+ "@user_script:1.",
				"ERR Error running script (call to f_d3c2): @user_script:1: @user_script: 1: The user executing the "
						+ "script can't run this command or subcommand",
				// Redis 7.2 and later, and Valkey (their source's words; not run here).
				"NOPERM User app has no permissions to run the 'get' command", "NOPERM No permissions to access a key",
				"NOPERM No permissions to access a channel",
				"ERR ACL failure in script: User app has no permissions to run the 'time' command script: d3c2, "
						+ "on @user_script:1." };
		String[] hints = { "add +get to the user's ACL", "add +get to the user's ACL", "~rl:* ~cache:*", "(&*)",
				"+get +set +time", "+get +set +time", "add +get to the user's ACL", "~rl:* ~cache:*", "(&*)",
				"add +time to the user's ACL" };
		for (int i = 0; i < refusals.length; i++) {
			RedisSystemException refusal = new RedisSystemException("x",
					new RedisCommandExecutionException(refusals[i]));
			assertThat(RedisFailures.isUnavailable(refusal)).as(refusals[i]).isTrue();
			assertThat(RedisFailures.isPermissionRefusal(refusal)).as(refusals[i]).isTrue();
			assertThat(RedisFailures.whatHappened(refusal)).isEqualTo("refused a command to the app's Redis user");
			assertThat(RedisFailures.describe(refusal)).startsWith("permission denied (").contains(hints[i]);
			assertThat(DefaultBackendState.Probe.after(refusal)).isEqualTo(DefaultBackendState.Probe.PERMISSIONS);
		}
		assertThat(RedisFailures.isPermissionRefusal(new RedisCommandExecutionException("WRONGPASS x"))).isFalse();
	}

	@Test
	void bugsAreNotOutages() {
		assertThat(
				RedisFailures.isUnavailable(
						new RedisSystemException("x",
								new RedisCommandExecutionException(
										"WRONGTYPE Operation against a key holding the wrong kind of value"))))
			.isFalse();
		assertThat(RedisFailures.isUnavailable(new RedisSystemException("x",
				new RedisCommandExecutionException("ERR Error running script (call to f_1234): user_script:1"))))
			.isFalse();
		assertThat(RedisFailures.isUnavailable(new IllegalArgumentException("key must not be null"))).isFalse();
	}

	/**
	 * Redis 6.2's own words (seen from the embedded binary) for a script whose write met
	 * maxmemory or a replica.
	 */
	@Test
	void anOutageReplyThatAScriptMetOnRedis6IsTheOutageItWraps() {
		RedisSystemException oom = new RedisSystemException("x", new RedisCommandExecutionException(
				"ERR Error running script (call to f_859a5f51dfe993514f602f2ea38c4bb249f1b7ff): @user_script:75: "
						+ "@user_script: 75: -OOM command not allowed when used memory > 'maxmemory'."));
		assertThat(RedisFailures.isUnavailable(oom)).isTrue();
		assertThat(RedisFailures.isOutOfMemory(oom)).isTrue();
		assertThat(RedisFailures.isWriteRefusal(oom)).isTrue();
		assertThat(RedisFailures.describe(oom))
			.isEqualTo("Redis refused the command (OOM command not allowed when used memory > 'maxmemory'.)");
		RedisSystemException readOnly = new RedisSystemException("x", new RedisCommandExecutionException(
				"ERR Error running script (call to f_1234): @user_script:75: @user_script: 75: -READONLY You can't "
						+ "write against a read only replica."));
		assertThat(RedisFailures.isWriteRefusal(readOnly)).isTrue();
		assertThat(RedisFailures.isOutOfMemory(readOnly)).isFalse();
		// A script's own error, even one that mentions OOM in its text, stays a bug that
		// reaches the caller.
		assertThat(RedisFailures.isUnavailable(new RedisCommandExecutionException(
				"ERR Error running script (call to f_1234): @user_script:3: user_script:3: attempt to compare OOM")))
			.isFalse();
	}

	@Test
	void aClosedOrResetConnectionHintsAtTlsOnlyWhenTheEndpointMayExplainIt() {
		RedisEndpoint plain = new RedisEndpoint("h:1", false, null, 0);
		java.net.SocketException reset = new java.net.SocketException("Connection reset");
		assertThat(RedisFailures.describe(reset, plain)).startsWith("connection reset by the server")
			.contains("rediss://");
		assertThat(RedisFailures.describe(reset, null)).isEqualTo("connection reset by the server (Connection reset)");
		assertThat(RedisFailures.describe(reset, new RedisEndpoint("h:1", true, null, 0))).doesNotContain("rediss://");
		// The same reset as Netty's epoll transport (on the class path of every WebFlux
		// app)
		// words it.
		java.io.IOException epoll = new java.io.IOException(
				"recvAddress(..) failed with error(-104): Connection reset by peer");
		assertThat(RedisFailures.describe(epoll, plain)).startsWith("connection reset by the server")
			.contains("rediss://");
	}

	@Test
	void describesTheCauseInAFewWords() {
		assertThat(RedisFailures.describe(new RedisConnectionFailureException("x",
				new RedisConnectionException("Unable to connect", new ConnectException("Connection refused")))))
			.isEqualTo("connection refused");
		assertThat(RedisFailures.describe(new RedisCommandExecutionException("WRONGPASS invalid username-password")))
			.startsWith("authentication failed");
		assertThat(RedisFailures.describe(new RedisCommandExecutionException("NOAUTH Authentication required.")))
			.startsWith("authentication required");
		assertThat(RedisFailures.describe(new IllegalStateException("odd"))).isEqualTo("IllegalStateException: odd");
	}

	@Test
	void aTlsEndpointThatTimesOutGetsAPlainTextHint() {
		RedisEndpoint tls = new RedisEndpoint("h:1", true, null, 0);
		assertThat(RedisFailures.describe(new TimeoutException("Connection initialization timed out"), tls))
			.contains("is the server plain-text?");
		assertThat(RedisFailures.describe(new TimeoutException("timed out"), new RedisEndpoint("h:1", false, null, 0)))
			.doesNotContain("plain-text");
	}

}
