package io.github.redisstarter.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.broadcast.BroadcastObserver;
import io.github.redisstarter.broadcast.BroadcastSettings;
import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.broadcast.Broadcasters;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.Secrets;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.json.JsonMapper;
import io.github.redisstarter.connection.internal.DefaultFailover;

/**
 * Messages from one instance to a listener on another, through Redis. "ours": a
 * RedisBroadcaster publishes, another (its own pub/sub connection, node id and listener
 * threads) delivers to a listener. "lettuce": a bare PUBLISH on one connection and a bare
 * pub/sub listener on another. {@code burst}: 100 published, then waited for (messages
 * per second, end to end); {@code roundTrip}: one published and waited for (the delivery
 * latency).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BroadcastBenchmark {

	static final int BURST = 100;

	private static final String CHANNEL = "bench:broadcast";

	@Param({ "ours", "lettuce" })
	public String impl;

	private final AtomicLong received = new AtomicLong();

	/** Messages published so far; shared by the benchmark's threads. */
	private final AtomicLong sent = new AtomicLong();

	private RedisClient client;

	private RedisSubscriber publisherSubscriber;

	private RedisSubscriber listenerSubscriber;

	private Broadcaster publisher;

	private Broadcaster listener;

	private StatefulRedisConnection<String, String> publishConnection;

	private StatefulRedisPubSubConnection<String, String> subscribeConnection;

	private StatefulRedisConnection<byte[], byte[]> commands;

	@Setup(Level.Trial)
	public void setUp() throws InterruptedException {
		this.client = Redis.client();
		if (this.impl.equals("ours")) {
			this.commands = this.client.connect(ByteArrayCodec.INSTANCE);
			BroadcastSettings settings = BroadcastSettings.defaults(JsonMapper.builder().build());
			this.publisherSubscriber = new RedisSubscriber(() -> this.client.connectPubSub(StringCodec.UTF8),
					Secrets.none());
			this.listenerSubscriber = new RedisSubscriber(() -> this.client.connectPubSub(StringCodec.UTF8),
					Secrets.none());
			this.publisher = Broadcasters.onRedis(this.commands::async, this.publisherSubscriber,
					new DefaultFailover(Redis.onRedis()), "publisher", settings, BroadcastObserver.NONE);
			this.listener = Broadcasters.onRedis(this.commands::async, this.listenerSubscriber,
					new DefaultFailover(Redis.onRedis()), "listener", settings, BroadcastObserver.NONE);
			this.listener.subscribe(CHANNEL, String.class, (channel, message) -> this.received.incrementAndGet());
		}
		else {
			this.publishConnection = this.client.connect(StringCodec.UTF8);
			this.subscribeConnection = this.client.connectPubSub(StringCodec.UTF8);
			this.subscribeConnection.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					BroadcastBenchmark.this.received.incrementAndGet();
				}

			});
			this.subscribeConnection.sync().subscribe(CHANNEL);
		}
		// Wait until a message gets through: the subscription is live.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.received.get() == 0 && System.nanoTime() < deadline) {
			publish();
			Thread.sleep(20);
		}
		Thread.sleep(100);
		this.received.set(0);
		this.sent.set(0);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.publisher != null) {
			this.publisher.close();
			this.listener.close();
			this.publisherSubscriber.close();
			this.listenerSubscriber.close();
			this.commands.close();
		}
		else {
			this.subscribeConnection.close();
			this.publishConnection.close();
		}
		this.client.shutdown();
	}

	private void publish() {
		if (this.publisher != null) {
			this.publisher.publish(CHANNEL, "message of 32 characters, about.");
		}
		else {
			this.publishConnection.async().publish(CHANNEL, "message of 32 characters, about.");
		}
	}

	@Benchmark
	@OperationsPerInvocation(BURST)
	public long burst() {
		for (int i = 0; i < BURST; i++) {
			publish();
		}
		return awaitReceived(this.sent.addAndGet(BURST));
	}

	@Benchmark
	public long roundTrip() {
		publish();
		return awaitReceived(this.sent.incrementAndGet());
	}

	/**
	 * Waits until as many messages arrived as had been published when this thread
	 * published its last.
	 */
	private long awaitReceived(long target) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		long got;
		while ((got = this.received.get()) < target) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("lost messages: waiting for " + target + ", received " + got);
			}
			LockSupport.parkNanos(1000);
		}
		return got;
	}

	/** Messages received so far in this trial (the smoke test checks none were lost). */
	long received() {
		return this.received.get();
	}

	long sent() {
		return this.sent.get();
	}

}
