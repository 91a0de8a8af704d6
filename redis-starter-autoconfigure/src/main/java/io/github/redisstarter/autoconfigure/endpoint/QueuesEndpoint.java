package io.github.redisstarter.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.redisstarter.queue.Job;
import io.github.redisstarter.queue.ManagedJobQueue;
import io.github.redisstarter.queue.QueueCounts;
import io.github.redisstarter.queue.QueueUnavailableException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/queues}: the Bull Board role. Reading lists every queue this instance
 * knows with its counts and its newest dead letters; one queue's page lists more of them.
 * While Redis is away, each queue says so ({@code unavailable}) with the adds waiting in
 * this instance. Writing retries a dead letter, purges a queue's dead letters, pauses or
 * resumes a queue. Payloads are left out unless
 * {@code redis-starter.queue.endpoint.show-payloads} is on: they may hold personal data.
 */
@Endpoint(id = "queues")
public class QueuesEndpoint {

	/** Dead letters shown per queue on the list. */
	static final int RECENT = 5;

	/** Dead letters shown on a queue's page. */
	static final int PAGE = 50;

	private final ManagedJobQueue queue;

	private final boolean showPayloads;

	public QueuesEndpoint(ManagedJobQueue queue, boolean showPayloads) {
		this.queue = queue;
		this.showPayloads = showPayloads;
	}

	@ReadOperation
	public Map<String, Object> queues() {
		Map<String, Object> queues = new LinkedHashMap<>();
		for (String name : this.queue.queues()) {
			queues.put(name, describe(name, RECENT));
		}
		return Map.of("queues", queues);
	}

	@ReadOperation
	public Map<String, Object> queue(@Selector String name) {
		return describe(name, PAGE);
	}

	/**
	 * @param action {@code retry} (with {@code id}), {@code purge}, {@code pause} or
	 * {@code resume}
	 */
	@WriteOperation
	public Map<String, Object> act(@Selector String name, String action, @Nullable String id) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("queue", name);
		result.put("action", action);
		switch (action) {
			case "retry" -> {
				if (id == null || id.isEmpty()) {
					throw new IllegalArgumentException(
							"'id' is required with action 'retry': the dead letter to retry");
				}
				result.put("id", id);
				result.put("retried", this.queue.retry(name, id));
			}
			case "purge" -> result.put("purged", this.queue.purgeDeadLetters(name));
			case "pause" -> this.queue.pause(name);
			case "resume" -> this.queue.resume(name);
			default -> throw new IllegalArgumentException(
					"'action' must be one of retry, purge, pause or resume, not '" + action + "'");
		}
		return result;
	}

	private Map<String, Object> describe(String name, int deadLetters) {
		Map<String, Object> description = new LinkedHashMap<>();
		QueueCounts counts;
		try {
			counts = this.queue.counts(name);
		}
		catch (QueueUnavailableException ex) {
			// Redis is away: say so, and what waits in this instance, rather than fail.
			description.put("unavailable", ex.getMessage());
			description.put("buffered", this.queue.buffered(name));
			return description;
		}
		description.put("paused", counts.paused());
		description.put("waiting", counts.waiting());
		description.put("delayed", counts.delayed());
		description.put("active", counts.active());
		description.put("completed", counts.completed());
		description.put("failed", counts.failed());
		description.put("buffered", this.queue.buffered(name));
		description.put("recentFailures",
				this.queue.deadLetters(name, deadLetters).stream().map(this::failure).toList());
		return description;
	}

	private Map<String, Object> failure(Job job) {
		Map<String, Object> failure = new LinkedHashMap<>();
		failure.put("id", job.id());
		failure.put("name", job.name());
		failure.put("attempts", job.attempts());
		failure.put("error", job.error());
		failure.put("finishedAt", (job.finishedAt() != null) ? job.finishedAt().toString() : null);
		failure.put("createdAt", job.createdAt().toString());
		if (this.showPayloads) {
			failure.put("payload", job.payload());
		}
		return failure;
	}

}
