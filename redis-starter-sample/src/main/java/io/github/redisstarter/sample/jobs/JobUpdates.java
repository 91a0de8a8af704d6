package io.github.redisstarter.sample.jobs;

import java.lang.management.ManagementFactory;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.queue.JobEvent;
import io.github.redisstarter.queue.JobListener;
import io.github.redisstarter.sample.SocketsConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Tells every WebSocket client of every instance ({@code /ws/jobs}) when a job ends,
 * through the Broadcaster: the instance whose worker ran the job publishes it.
 */
@Component
class JobUpdates implements JobListener {

	/** This instance, as updates name it: the JVM's pid@host. */
	private final String instance = ManagementFactory.getRuntimeMXBean().getName();

	private final Broadcaster broadcaster;

	private final JsonMapper json;

	JobUpdates(Broadcaster broadcaster, JsonMapper json) {
		this.broadcaster = broadcaster;
		this.json = json;
	}

	/**
	 * @param result what the handler returned ({@code completed}), or {@code null}
	 * @param error why the job failed ({@code failed}), or {@code null}
	 */
	record JobUpdate(String id, String queue, String state, JsonNode result, String error, String by) {
	}

	@Override
	public void onEvent(JobEvent event) {
		if (event.type() == JobEvent.Type.COMPLETED) {
			JsonNode result = (event.detail() != null) ? this.json.readTree(event.detail()) : null;
			publish(new JobUpdate(event.jobId(), event.queue(), "completed", result, null, this.instance));
		}
		else if (event.type() == JobEvent.Type.FAILED) {
			publish(new JobUpdate(event.jobId(), event.queue(), "failed", null, event.detail(), this.instance));
		}
	}

	private void publish(JobUpdate update) {
		this.broadcaster.publish(SocketsConfiguration.JOBS, update);
	}

}
