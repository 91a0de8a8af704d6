package io.github.redisstarter.connection.internal;

import java.util.concurrent.ThreadFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The one way the starter makes its threads: daemon threads (they never keep a stopping
 * JVM alive) named {@code redis-starter-<purpose>-<n>}, so that a thread dump says whose
 * they are.
 */
public final class DaemonThreads {

	private DaemonThreads() {
	}

	/**
	 * @param purpose such as {@code "ping"}: the threads are named
	 * {@code redis-starter-ping-1}, {@code -2}, ...
	 */
	public static ThreadFactory named(String purpose) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("redis-starter-" + purpose + "-");
		threads.setDaemon(true);
		return threads;
	}

}
