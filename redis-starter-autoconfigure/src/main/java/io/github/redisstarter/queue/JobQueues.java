package io.github.redisstarter.queue;

import java.time.InstantSource;
import java.util.Collection;

import io.github.redisstarter.connection.BackendSwitchListener;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisCalls;
import io.github.redisstarter.connection.internal.RedisCommandSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/** Builds {@link JobQueue}s: on Redis behind the backend's failover, or in memory. */
public final class JobQueues {

	private JobQueues() {
	}

	/**
	 * Jobs in this JVM: for an app with no Redis configured. They do not survive a
	 * restart.
	 */
	public static ManagedJobQueue inMemory(JsonMapper json, Collection<QueueDefinition> definitions,
			JobListener listener, QueueSettings settings) {
		return inMemory(json, definitions, QueueDefinition.SEED_DEFAULTS, listener, settings);
	}

	/**
	 * {@link #inMemory(JsonMapper, Collection, JobListener, QueueSettings)} with the
	 * options of jobs of queues not among {@code definitions}.
	 */
	public static ManagedJobQueue inMemory(JsonMapper json, Collection<QueueDefinition> definitions,
			JobOptions defaults, JobListener listener, QueueSettings settings) {
		return new DefaultJobQueue(new InMemoryJobStore(InstantSource.system()), json, definitions, defaults, listener,
				settings, InstantSource.system());
	}

	/**
	 * Jobs on Redis, every call through {@code failover}: while Redis is away, calls
	 * throw {@link QueueUnavailableException} and workers pause; they resume when the
	 * backend takes Redis back.
	 * @param keyPrefix the keys' prefix, without '{' or '}'
	 */
	public static ManagedJobQueue onRedis(RedisCommandSource commands, Failover failover, String keyPrefix,
			JsonMapper json, Collection<QueueDefinition> definitions, JobListener listener, QueueSettings settings) {
		return onRedis(commands, failover, keyPrefix, json, definitions, QueueDefinition.SEED_DEFAULTS, listener,
				settings);
	}

	/**
	 * {@link #onRedis(RedisCommandSource, Failover, String, JsonMapper, Collection, JobListener, QueueSettings)}
	 * with the options of jobs of queues not among {@code definitions}.
	 */
	public static ManagedJobQueue onRedis(RedisCommandSource commands, Failover failover, String keyPrefix,
			JsonMapper json, Collection<QueueDefinition> definitions, JobOptions defaults, JobListener listener,
			QueueSettings settings) {
		RedisJobStore redis = new RedisJobStore(commands, new RedisCalls(failover.state()), keyPrefix);
		DefaultJobQueue queue = new DefaultJobQueue(new FailoverJobStore(redis, failover), json, definitions, defaults,
				listener, settings, InstantSource.system());
		BackendSwitchListener wakeOnSwitch = new BackendSwitchListener() {

			@Override
			public void onSwitch(io.github.redisstarter.connection.BackendSwitch change) {
				queue.backendSwitched();
			}

			@Override
			public @Nullable String whileAway() {
				return (settings.bufferCapacity() > 0)
						? "job adds wait in this instance (at most " + settings.bufferCapacity()
								+ ") for Redis and workers pause"
						: "job adds fail with QueueUnavailableException and workers pause";
			}

		};
		failover.state().addListener(wakeOnSwitch);
		queue.whenClosed(() -> failover.state().removeListener(wakeOnSwitch));
		return queue;
	}

}
