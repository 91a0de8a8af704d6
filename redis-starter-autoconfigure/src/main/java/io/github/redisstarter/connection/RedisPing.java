package io.github.redisstarter.connection;

/** Sends one PING to Redis over the app's own connection; throws whatever the client throws when it gets no PONG. */
@FunctionalInterface
public interface RedisPing {

	void ping();

}
