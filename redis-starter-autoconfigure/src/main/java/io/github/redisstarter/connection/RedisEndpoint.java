package io.github.redisstarter.connection;

import org.jspecify.annotations.Nullable;

/**
 * Where Redis is, as far as logs, health and errors may say: addresses and flags, never
 * credentials (this type holds none, so it cannot leak them).
 *
 * @param address {@code host:port}, or the nodes of a cluster or sentinel setup
 * @param tls whether the connection uses TLS
 * @param username the ACL user, if any (a name, not a secret)
 * @param database the database index
 */
public record RedisEndpoint(String address, boolean tls, @Nullable String username, int database) {

	/** For example {@code 10.0.0.5:6380 (TLS, user 'app', database 2)}. */
	public String describe() {
		StringBuilder flags = new StringBuilder();
		if (this.tls) {
			flags.append("TLS");
		}
		if (this.username != null && !this.username.isEmpty()) {
			flags.append(flags.isEmpty() ? "" : ", ").append("user '").append(this.username).append("'");
		}
		if (this.database != 0) {
			flags.append(flags.isEmpty() ? "" : ", ").append("database ").append(this.database);
		}
		return flags.isEmpty() ? this.address : this.address + " (" + flags + ")";
	}

	@Override
	public String toString() {
		return describe();
	}

}
