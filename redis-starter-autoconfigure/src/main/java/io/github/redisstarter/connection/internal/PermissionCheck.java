package io.github.redisstarter.connection.internal;

import java.util.List;

import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.RedisPermissionException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * The check of the app's Redis user against what the starter needs: at startup, before
 * traffic, and as the monitor's probe after Redis refused the user a command.
 *
 * @param needs what the capabilities that are on need
 * @param user the user the app connects as ({@code default} when it names none)
 * @param endpoint where Redis is, for the message
 */
public record PermissionCheck(RedisPermissions needs, String user, @Nullable RedisEndpoint endpoint) {

	/**
	 * Checks the connected user.
	 * @throws RedisPermissionException naming what it lacks and the command that adds it
	 */
	public void require(RedisClusterAsyncCommands<byte[], byte[]> redis) {
		List<String> missing = this.needs.missing(redis);
		if (!missing.isEmpty()) {
			throw new RedisPermissionException(this.endpoint, this.user, missing,
					this.needs.aclLine(this.user, "<password>"));
		}
	}

}
