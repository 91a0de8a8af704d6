package io.github.redisstarter.sample.jobs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * The sync queue's handler: the seed's nightly sync, added by the repeatable job
 * {@code nightly} of application.yml (every 5 seconds in the {@code demo} profile), once
 * per tick however many instances run.
 */
@Component
class SyncJobs {

	static final String QUEUE = "sync";

	private static final Log logger = LogFactory.getLog(SyncJobs.class);

	private static final int KEPT = 1000;

	/** The ids of the sync jobs this instance ran, newest last. */
	private final Deque<String> runs = new ArrayDeque<>();

	@JobHandler(QUEUE)
	void sync(JobContext job) {
		logger.info("Sync " + job.id() + " runs on this instance");
		synchronized (this.runs) {
			this.runs.addLast(job.id());
			if (this.runs.size() > KEPT) {
				this.runs.removeFirst();
			}
		}
	}

	List<String> runs() {
		synchronized (this.runs) {
			return new ArrayList<>(this.runs);
		}
	}

}
