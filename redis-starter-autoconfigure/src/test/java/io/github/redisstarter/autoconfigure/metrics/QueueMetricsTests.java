package io.github.redisstarter.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;

import io.github.redisstarter.queue.JobEvent;
import io.github.redisstarter.queue.JobOptions;
import io.github.redisstarter.queue.JobQueues;
import io.github.redisstarter.queue.ManagedJobQueue;
import io.github.redisstarter.queue.QueueSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue meters as docs/queues.md lists them: jobs by state read from the queue, and
 * what this instance's workers did, told by its events.
 */
class QueueMetricsTests {

	@Test
	void jobsByStateAndWhatTheWorkersDid() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (ManagedJobQueue queue = JobQueues.inMemory(JsonMapper.builder().build(), List.of(), (event) -> {
		}, QueueSettings.DEFAULTS)) {
			QueueMetrics metrics = new QueueMetrics(() -> queue);
			metrics.bindTo(registry);
			queue.pause("mail");
			queue.add("mail", "send", "a");
			queue.add("mail", "send", "b", JobOptions.DEFAULTS.withDelay(Duration.ofMinutes(1)));
			metrics.onEvent(new JobEvent(JobEvent.Type.ADDED, "mail", "1", "send", 0, null, null));
			assertThat(registry.get(QueueMetrics.JOBS).tags("queue", "mail", "state", "waiting").gauge().value())
				.isEqualTo(1);
			assertThat(registry.get(QueueMetrics.JOBS).tags("queue", "mail", "state", "delayed").gauge().value())
				.isEqualTo(1);
			assertThat(registry.get(QueueMetrics.BUFFERED).tag("queue", "mail").gauge().value()).isZero();

			metrics
				.onEvent(new JobEvent(JobEvent.Type.COMPLETED, "mail", "1", "send", 2, "null", Duration.ofMillis(30)));
			metrics
				.onEvent(new JobEvent(JobEvent.Type.RETRYING, "mail", "2", "send", 1, "boom", Duration.ofMillis(10)));
			metrics.onEvent(new JobEvent(JobEvent.Type.FAILED, "mail", "2", "send", 3, "boom", Duration.ofMillis(20)));
			assertThat(registry.get(QueueMetrics.COMPLETED).tag("queue", "mail").counter().count()).isEqualTo(1);
			assertThat(registry.get(QueueMetrics.FAILED).tags("queue", "mail", "final", "false").counter().count())
				.isEqualTo(1);
			assertThat(registry.get(QueueMetrics.FAILED).tags("queue", "mail", "final", "true").counter().count())
				.isEqualTo(1);
			assertThat(registry.get(QueueMetrics.DURATION).tags("queue", "mail", "outcome", "failed").timer().count())
				.isEqualTo(2);
			assertThat(registry.get(QueueMetrics.ATTEMPTS).tag("queue", "mail").summary().totalAmount()).isEqualTo(5);
		}
	}

}
