package io.github.redisstarter.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisDeadlineMissedException;
import io.github.redisstarter.connection.internal.LettuceTestConnection;

import static org.awaitility.Awaitility.await;

/**
 * For tests that load a queue on a shared, busy machine: takes backend states back to
 * Redis after a switch, as an app's monitor would once its PINGs are answered (a few
 * hundred milliseconds of silence from a starved Redis is a switch), and repeats a step
 * that Redis did not take (which is safe for adds with ids: they are idempotent). Counts
 * the switches, so that a test can tell them.
 */
final class WayBack implements AutoCloseable {

	private final List<BackendState> states = new CopyOnWriteArrayList<>();

	private final AtomicInteger switches = new AtomicInteger();

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "test-way-back");
		thread.setDaemon(true);
		return thread;
	});

	WayBack() {
		this.executor.scheduleWithFixedDelay(this::takeBack, 50, 50, TimeUnit.MILLISECONDS);
	}

	<S extends BackendState> S watch(S state) {
		this.states.add(state);
		return state;
	}

	/** How many times a watched state switched away from Redis. */
	int switches() {
		return this.switches.get();
	}

	private void takeBack() {
		for (BackendState state : this.states) {
			if (!state.usesRedis()) {
				this.switches.incrementAndGet();
				LettuceTestConnection.returnToRedis(state);
			}
		}
	}

	/**
	 * Runs the step until Redis takes it: again after a switch away or a missed deadline
	 * (the step must be safe to repeat).
	 */
	static <T> T untilTaken(Supplier<T> step) {
		AtomicReference<T> result = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			try {
				result.set(step.get());
				return true;
			}
			catch (QueueUnavailableException | RedisDeadlineMissedException ex) {
				return false;
			}
		});
		return result.get();
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
