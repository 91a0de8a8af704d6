package io.github.redisstarter.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobOptions;
import io.github.redisstarter.queue.JobQueue.NewJob;
import io.github.redisstarter.queue.JobQueues;
import io.github.redisstarter.queue.ManagedJobQueue;
import io.github.redisstarter.queue.QueueDefinition;
import io.github.redisstarter.queue.QueueHandler;
import io.github.redisstarter.queue.QueueSettings;
import io.github.redisstarter.queue.QueueUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
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
import org.redisson.Redisson;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs per second through a queue on Redis, end to end: a batch of {@value #BATCH} jobs
 * added in bulk calls of {@value #CHUNK}, then waited for until a no-op handler has seen
 * every one. "ours": a {@link ManagedJobQueue} with the queue's defaults (one attempt,
 * the last 100 completed jobs kept), each instance on its own connection. "redisson": an
 * {@link RBlockingQueue} filled with {@code addAll} and drained by consumer threads that
 * {@code poll} (a blocking pop): a list, with no lease, retry or record of the job, so
 * the floor of a queue on Redis rather than a peer with the same guarantees.
 * {@code workers}: {@code N} for one instance running N at once, {@code AxN} for A
 * instances of N each (the batch added through the first).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueBenchmark {

	static final int BATCH = 1000;

	/**
	 * Jobs per bulk add: one script of 1000 adds can hold Redis past the queue's 100ms
	 * call deadline on a busy machine.
	 */
	static final int CHUNK = 100;

	@Param({ "ours", "redisson" })
	public String impl;

	@Param({ "1", "10", "2x5" })
	public String workers;

	private final AtomicLong completed = new AtomicLong();

	private final Object allDone = new Object();

	/** Jobs added so far: what the handlers must reach. */
	private volatile long target;

	/**
	 * Per job, how often a handler saw it: only when {@link #verify} is on (the smoke
	 * test), so that the measured handler stays a counter.
	 */
	private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

	boolean verify;

	private final List<ManagedJobQueue> instances = new ArrayList<>();

	private final List<RedisClient> clients = new ArrayList<>();

	private final List<RedissonClient> redissons = new ArrayList<>();

	private final List<ExecutorService> consumers = new ArrayList<>();

	private volatile boolean stopping;

	private String queue;

	private RBlockingQueue<String> redissonQueue;

	private long next;

	@Setup(Level.Trial)
	public void setUp() {
		int instances = this.workers.contains("x") ? Integer.parseInt(this.workers.split("x")[0]) : 1;
		int concurrency = Integer.parseInt(this.workers.substring(this.workers.indexOf('x') + 1));
		// Each trial its own queue: nothing left over from the one before.
		this.queue = "bench-" + this.impl + "-" + System.nanoTime();
		for (int i = 0; i < instances; i++) {
			if (this.impl.equals("ours")) {
				startOurs(concurrency);
			}
			else {
				startRedisson(concurrency);
			}
		}
	}

	private void startOurs(int concurrency) {
		RedisClient client = Redis.client();
		this.clients.add(client);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		ManagedJobQueue instance = JobQueues.onRedis(connection::async, new DefaultFailover(Redis.onRedis()), "bench",
				JsonMapper.builder().build(), List.of(QueueDefinition.of(this.queue).withConcurrency(concurrency)),
				(event) -> {
				}, QueueSettings.DEFAULTS);
		instance.handle(new QueueHandler() {

			@Override
			public String queue() {
				return QueueBenchmark.this.queue;
			}

			@Override
			public Object handle(JobContext job) {
				done(job.id());
				return null;
			}

		});
		this.instances.add(instance);
	}

	private void startRedisson(int concurrency) {
		Config config = new Config();
		config.useSingleServer().setAddress(Redis.url());
		RedissonClient redisson = Redisson.create(config);
		this.redissons.add(redisson);
		RBlockingQueue<String> queue = redisson.getBlockingQueue(this.queue, StringCodec.INSTANCE);
		if (this.redissonQueue == null) {
			this.redissonQueue = queue;
		}
		ExecutorService threads = Executors.newFixedThreadPool(concurrency);
		this.consumers.add(threads);
		for (int i = 0; i < concurrency; i++) {
			threads.execute(() -> {
				while (!this.stopping) {
					try {
						String job = queue.poll(1, TimeUnit.SECONDS);
						if (job != null) {
							done(job);
						}
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			});
		}
	}

	private void done(String job) {
		if (this.verify) {
			this.seen.computeIfAbsent(job, (id) -> new AtomicInteger()).incrementAndGet();
		}
		if (this.completed.incrementAndGet() >= this.target) {
			synchronized (this.allDone) {
				this.allDone.notifyAll();
			}
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws InterruptedException {
		this.stopping = true;
		this.instances.forEach(ManagedJobQueue::close);
		this.clients.forEach(RedisClient::shutdown);
		for (ExecutorService threads : this.consumers) {
			threads.shutdown();
			threads.awaitTermination(5, TimeUnit.SECONDS);
		}
		this.redissons.forEach(RedissonClient::shutdown);
	}

	/** Adds a batch and returns once every job of it has run. */
	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long batch() throws InterruptedException {
		this.target += BATCH;
		for (int added = 0; added < BATCH; added += CHUNK) {
			if (this.impl.equals("ours")) {
				List<NewJob> jobs = new ArrayList<>(CHUNK);
				for (int i = 0; i < CHUNK; i++) {
					long n = this.next++;
					jobs.add(new NewJob("noop", n, JobOptions.DEFAULTS.withId(Long.toString(n))));
				}
				add(jobs);
			}
			else {
				List<String> jobs = new ArrayList<>(CHUNK);
				for (int i = 0; i < CHUNK; i++) {
					jobs.add(Long.toString(this.next++));
				}
				this.redissonQueue.addAll(jobs);
			}
		}
		return awaitCompleted(this.target);
	}

	/**
	 * Adds as an app should: with ids, so that an add whose answer missed the call
	 * deadline (it may have run) can be sent again and adds nothing twice.
	 */
	private void add(List<NewJob> jobs) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try {
				this.instances.get(0).addAll(this.queue, jobs);
				return;
			}
			catch (QueueUnavailableException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(10);
			}
		}
	}

	private long awaitCompleted(long target) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		synchronized (this.allDone) {
			long done;
			while ((done = this.completed.get()) < target) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException("lost jobs: waiting for " + target + ", completed " + done);
				}
				TimeUnit.NANOSECONDS.timedWait(this.allDone, left);
			}
			return done;
		}
	}

	/** Jobs added so far in this trial. */
	long added() {
		return this.next;
	}

	long completed() {
		return this.completed.get();
	}

	/** How often a handler saw each job, by id (with {@link #verify} on). */
	Map<String, AtomicInteger> seen() {
		return this.seen;
	}

}
