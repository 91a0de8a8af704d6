package io.github.redisstarter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starves the whole machine of CPU for as long as it is open: busy-looping processes,
 * several per core, compete with Redis, the app and the test alike, as a noisy neighbour
 * or a container's CPU quota does. For fault tests that must show that a slow machine is
 * not mistaken for a dead Redis.
 */
public final class CpuStarvation implements AutoCloseable {

	private final List<Process> spinners = new ArrayList<>();

	private CpuStarvation(int processes) {
		try {
			for (int i = 0; i < processes; i++) {
				this.spinners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
			}
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException("Could not start a busy-looping 'sh' process", ex);
		}
	}

	/** Starts {@code perCore} busy-looping processes for each core this JVM sees. */
	public static CpuStarvation start(int perCore) {
		if (perCore < 1) {
			throw new IllegalArgumentException("'perCore' must be at least 1, got " + perCore);
		}
		return new CpuStarvation(perCore * Runtime.getRuntime().availableProcessors());
	}

	/** How many busy processes run. */
	public int processes() {
		return this.spinners.size();
	}

	@Override
	public void close() {
		for (Process spinner : this.spinners) {
			spinner.destroyForcibly();
		}
		for (Process spinner : this.spinners) {
			try {
				spinner.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
