package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls that an app keeps making while a test breaks its Redis: one thread per call, each
 * repeating it until {@link #stop()}, which returns what any of them threw.
 */
final class BackgroundLoad {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private final AtomicInteger calls = new AtomicInteger();

	private final List<Thread> threads = new ArrayList<>();

	/** Starts one thread per call; each gets the number of its run, from 0. */
	static BackgroundLoad start(List<java.util.function.IntConsumer> calls) {
		BackgroundLoad load = new BackgroundLoad();
		for (java.util.function.IntConsumer call : calls) {
			Thread thread = new Thread(() -> {
				for (int i = 0; load.running.get(); i++) {
					try {
						call.accept(i);
						load.calls.incrementAndGet();
					}
					catch (Throwable ex) {
						load.failures.add(ex);
					}
				}
			});
			thread.start();
			load.threads.add(thread);
		}
		return load;
	}

	/** How many calls were answered so far. */
	int calls() {
		return this.calls.get();
	}

	/** Stops every thread and returns what the calls threw. */
	List<Throwable> stop() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join();
		}
		return this.failures;
	}

}
