package io.github.redisstarter.queue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.RedisEndpoint;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.Secrets;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import tools.jackson.databind.json.JsonMapper;

/**
 * An app instance in its own JVM, for {@link WorkerKillTests}: a worker on Redis that
 * runs one job at a time, records each start (RPUSH of {@code <id> <attempt> <pid>} to a
 * list outside the queue's keys) and then sleeps until it is killed. It exits on its own
 * after two minutes, should the test that started it be gone.
 *
 * <p>
 * Arguments: the Redis port, the queue, the visibility timeout in milliseconds, the key
 * of the list of starts.
 */
public final class SlowWorkerProcess {

	private SlowWorkerProcess() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		String queueName = args[1];
		Duration visibility = Duration.ofMillis(Long.parseLong(args[2]));
		byte[] starts = args[3].getBytes(StandardCharsets.UTF_8);
		String pid = String.valueOf(ProcessHandle.current().pid());
		RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		DefaultBackendState state = new DefaultBackendState(BackendSelection.AUTO,
				new RedisEndpoint("127.0.0.1:" + port, false, null, 0), BackendMode.REDIS, "worker process",
				Secrets.none(), Clock.systemUTC(), Runnable::run);
		ManagedJobQueue queue = JobQueues.onRedis(connection::async, new DefaultFailover(state), "queue",
				JsonMapper.builder().build(), List.of(QueueDefinition.of(queueName)), (event) -> {
				}, new QueueSettings(Duration.ofMillis(50), visibility, Duration.ofSeconds(1)));
		queue.handle(new QueueHandler() {

			@Override
			public String queue() {
				return queueName;
			}

			@Override
			public Object handle(JobContext job) throws Exception {
				String start = job.id() + " " + job.attempt() + " " + pid;
				connection.sync().rpush(starts, start.getBytes(StandardCharsets.UTF_8));
				System.out.println("started " + start);
				Thread.sleep(Duration.ofMinutes(5).toMillis());
				return null;
			}

		});
		System.out.println("worker " + pid + " handles '" + queueName + "'");
		Thread.sleep(Duration.ofMinutes(2).toMillis());
		System.exit(1);
	}

}
