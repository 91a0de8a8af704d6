package io.github.redisstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls that an app keeps making while a test breaks its Redis: one daemon thread per
 * call, each repeating it (with a pause of a millisecond, so that the machine keeps CPU
 * for the rest) until {@link #stop()}, which returns what any of them threw (the first
 * hundred). Closing stops it too, for a test that fails before it asks.
 */
final class BackgroundLoad implements AutoCloseable {

	private static final int KEPT_FAILURES = 100;

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
						Thread.sleep(1);
					}
					catch (InterruptedException ex) {
						return;
					}
					catch (Throwable ex) {
						if (load.failures.size() < KEPT_FAILURES) {
							load.failures.add(ex);
						}
					}
				}
			});
			thread.setDaemon(true);
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

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
