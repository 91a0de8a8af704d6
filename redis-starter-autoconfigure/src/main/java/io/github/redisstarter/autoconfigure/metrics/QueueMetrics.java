package io.github.redisstarter.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.redisstarter.queue.JobEvent;
import io.github.redisstarter.queue.JobListener;
import io.github.redisstarter.queue.ManagedJobQueue;
import io.github.redisstarter.queue.QueueCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Job queue meters, tagged by queue: {@value #JOBS} (jobs kept per {@code state}:
 * waiting, delayed, active, completed, dead; read from the queue's store at most once a
 * second per queue, and NaN while it cannot be read), {@value #BUFFERED} (adds waiting in
 * this instance for Redis), and what this instance's workers did: {@value #COMPLETED},
 * {@value #FAILED} (failed attempts, {@code final=true} when the job became a dead
 * letter), {@value #DURATION} (handler time, by {@code outcome}) and {@value #ATTEMPTS}
 * (attempts a job took, when it ended). Queues get their meters when this instance first
 * sees them, up to {@value #MAX_QUEUES}.
 */
public class QueueMetrics implements MeterBinder, JobListener {

	public static final String JOBS = "redis.starter.queue.jobs";

	public static final String BUFFERED = "redis.starter.queue.buffered";

	public static final String COMPLETED = "redis.starter.queue.completed";

	public static final String FAILED = "redis.starter.queue.failed";

	public static final String DURATION = "redis.starter.queue.duration";

	public static final String ATTEMPTS = "redis.starter.queue.attempts";

	static final int MAX_QUEUES = 50;

	private static final long COUNTS_TTL_NANOS = 1_000_000_000L;

	private final Supplier<@Nullable ManagedJobQueue> queue;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final Set<String> known = ConcurrentHashMap.newKeySet();

	private final Map<String, CachedCounts> counts = new ConcurrentHashMap<>();

	/**
	 * @param queue the queue whose counts the gauges read, asked when first needed (the
	 * queue hears this instance's events through it)
	 */
	public QueueMetrics(Supplier<@Nullable ManagedJobQueue> queue) {
		this.queue = queue;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.known.forEach((name) -> gauges(registry, name));
		ManagedJobQueue current = this.queue.get();
		if (current != null) {
			current.queues().forEach(this::see);
		}
	}

	private void see(String queue) {
		if (this.known.size() < MAX_QUEUES && this.known.add(queue)) {
			this.registries.forEach((registry) -> gauges(registry, queue));
		}
	}

	private void gauges(MeterRegistry registry, String queue) {
		gauge(registry, queue, "waiting", QueueCounts::waiting);
		gauge(registry, queue, "delayed", QueueCounts::delayed);
		gauge(registry, queue, "active", QueueCounts::active);
		gauge(registry, queue, "completed", QueueCounts::completed);
		gauge(registry, queue, "dead", QueueCounts::failed);
		Gauge.builder(BUFFERED, this, (metrics) -> {
			ManagedJobQueue current = metrics.queue.get();
			return (current != null) ? current.buffered(queue) : 0;
		}).tag("queue", queue).description("Adds waiting in this instance for Redis to return").register(registry);
	}

	private void gauge(MeterRegistry registry, String queue, String state, ToDoubleFunction<QueueCounts> value) {
		Gauge.builder(JOBS, this, (metrics) -> {
			QueueCounts counts = metrics.counts(queue);
			return (counts != null) ? value.applyAsDouble(counts) : Double.NaN;
		}).tags("queue", queue, "state", state).description("Jobs kept by the queue, by state").register(registry);
	}

	private @Nullable QueueCounts counts(String queue) {
		long now = System.nanoTime();
		CachedCounts cached = this.counts.get(queue);
		if (cached != null && now - cached.readAt() < COUNTS_TTL_NANOS) {
			return cached.counts();
		}
		ManagedJobQueue current = this.queue.get();
		QueueCounts counts = null;
		try {
			counts = (current != null) ? current.counts(queue) : null;
		}
		catch (RuntimeException ex) {
			// Redis is away: NaN until it answers again.
		}
		this.counts.put(queue, new CachedCounts(counts, now));
		return counts;
	}

	private record CachedCounts(@Nullable QueueCounts counts, long readAt) {
	}

	@Override
	public void onEvent(JobEvent event) {
		see(event.queue());
		if (!this.known.contains(event.queue())) {
			return;
		}
		for (MeterRegistry registry : this.registries) {
			switch (event.type()) {
				case COMPLETED -> {
					Counter.builder(COMPLETED).tag("queue", event.queue()).register(registry).increment();
					time(registry, event, "completed");
					attempts(registry, event);
				}
				case RETRYING, FAILED -> {
					boolean last = event.type() == JobEvent.Type.FAILED;
					Counter.builder(FAILED)
						.tags("queue", event.queue(), "final", Boolean.toString(last))
						.register(registry)
						.increment();
					time(registry, event, "failed");
					if (last && event.attempt() > 0) {
						attempts(registry, event);
					}
				}
				default -> {
				}
			}
		}
	}

	private static void time(MeterRegistry registry, JobEvent event, String outcome) {
		if (event.duration() != null) {
			Timer.builder(DURATION)
				.tags("queue", event.queue(), "outcome", outcome)
				.register(registry)
				.record(event.duration());
		}
	}

	private static void attempts(MeterRegistry registry, JobEvent event) {
		DistributionSummary.builder(ATTEMPTS).tag("queue", event.queue()).register(registry).record(event.attempt());
	}

}
