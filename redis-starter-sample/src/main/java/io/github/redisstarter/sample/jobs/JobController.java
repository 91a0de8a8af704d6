package io.github.redisstarter.sample.jobs;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.redisstarter.queue.Job;
import io.github.redisstarter.queue.JobOptions;
import io.github.redisstarter.queue.JobQueue;
import io.github.redisstarter.queue.QueueUnavailableException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /api/media} (multipart field {@code file}) enqueues a digest job and
 * answers {@code 202 {"id": ...}}; {@code GET /api/jobs/{id}} shows a media or sync job;
 * {@code GET /api/sync/runs} lists the sync jobs this instance ran.
 */
@RestController
class JobController {

	/**
	 * The largest upload: the demo's media are small, and the job keeps the bytes (in
	 * Redis, and in the local buffer while Redis is away).
	 */
	static final int MAX_UPLOAD = 64 * 1024;

	private static final List<String> QUEUES = List.of(MediaJobs.QUEUE, SyncJobs.QUEUE);

	private final JobQueue jobs;

	private final SyncJobs sync;

	private final JsonMapper json;

	JobController(JobQueue jobs, SyncJobs sync, JsonMapper json) {
		this.jobs = jobs;
		this.sync = sync;
		this.json = json;
	}

	@PostMapping("/api/media")
	ResponseEntity<?> upload(@RequestParam("file") MultipartFile file) throws IOException {
		if (file.isEmpty() || file.getSize() > MAX_UPLOAD) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"'file' must hold 1 byte to " + (MAX_UPLOAD / 1024) + " KB");
			problem.setTitle("Invalid upload");
			return ResponseEntity.of(problem).build();
		}
		String name = Optional.ofNullable(file.getOriginalFilename()).filter((n) -> !n.isBlank()).orElse("upload");
		String id = this.jobs.add(MediaJobs.QUEUE, "digest",
				new MediaJobs.Upload(name, Base64.getEncoder().encodeToString(file.getBytes())),
				JobOptions.DEFAULTS.withAttempts(3));
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id));
	}

	@GetMapping("/api/jobs/{id}")
	ResponseEntity<JobView> job(@PathVariable String id) {
		for (String queue : QUEUES) {
			Optional<Job> job = this.jobs.job(queue, id);
			if (job.isPresent()) {
				return ResponseEntity.ok(JobView.of(job.get(), this.json));
			}
		}
		return ResponseEntity.notFound().build();
	}

	@GetMapping("/api/sync/runs")
	List<String> syncRuns() {
		return this.sync.runs();
	}

	/** Redis is away: the add was not taken, and the client may try again. */
	@ExceptionHandler(QueueUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(QueueUnavailableException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Job queue unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(problem);
	}

	/**
	 * A job as {@code GET /api/jobs/{id}} shows it; the payload is left out (it holds the
	 * upload).
	 */
	record JobView(String id, String queue, String name, String state, int attempts, int progress, JsonNode result,
			String error, Instant createdAt, Instant finishedAt) {

		static JobView of(Job job, JsonMapper json) {
			return new JobView(job.id(), job.queue(), job.name(), job.state().label(), job.attempts(), job.progress(),
					(job.result() != null) ? json.readTree(job.result()) : null, job.error(), job.createdAt(),
					job.finishedAt());
		}

	}

}
