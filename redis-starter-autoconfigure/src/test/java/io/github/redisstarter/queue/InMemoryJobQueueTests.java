package io.github.redisstarter.queue;

import java.time.InstantSource;
import java.util.Collection;

/** The contract on the in-memory twin: instances of one test share one store. */
class InMemoryJobQueueTests extends JobQueueContract {

	private final InMemoryJobStore store = new InMemoryJobStore(InstantSource.system());

	@Override
	protected ManagedJobQueue instance(Collection<QueueDefinition> definitions, JobListener listener,
			QueueSettings settings) {
		return new DefaultJobQueue(this.store, JSON, definitions, QueueDefinition.SEED_DEFAULTS, listener, settings,
				InstantSource.system());
	}

	@Override
	protected JobStore sharedStore() {
		return this.store;
	}

}
