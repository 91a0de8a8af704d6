package io.github.redisstarter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Holds one process to a share of the CPU the way a container's CPU quota does: it is
 * stopped (SIGSTOP) for part of every period and let run (SIGCONT) for the rest, until
 * this is closed. A throttled Redis answers late but answers everything; a throttled app
 * JVM stalls as it would when its container exceeds its quota. Linux and macOS only
 * ({@code sh}, {@code kill} and a {@code sleep} that takes fractions of a second).
 */
public final class CpuThrottle implements AutoCloseable {

	private final long pid;

	private final Process loop;

	private CpuThrottle(long pid, Duration stopped, Duration running) throws IOException {
		this.pid = pid;
		String script = "trap 'kill -CONT $0; exit 0' TERM INT; while :; do kill -STOP $0; sleep " + seconds(stopped)
				+ "; kill -CONT $0; sleep " + seconds(running) + "; done";
		this.loop = new ProcessBuilder("sh", "-c", script, String.valueOf(pid)).start();
	}

	/**
	 * Throttles process {@code pid}: stopped for {@code stopped} out of every
	 * {@code period}.
	 */
	public static CpuThrottle start(long pid, Duration stopped, Duration period) {
		if (stopped.isNegative() || stopped.isZero() || stopped.compareTo(period) >= 0) {
			throw new IllegalArgumentException(
					"'stopped' must be positive and shorter than 'period', got " + stopped + " of " + period);
		}
		try {
			return new CpuThrottle(pid, stopped, period.minus(stopped));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the throttle of process " + pid, ex);
		}
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
	}

	/** Ends the throttling; the process is left running. */
	@Override
	public void close() {
		this.loop.destroy();
		try {
			if (!this.loop.waitFor(5, TimeUnit.SECONDS)) {
				this.loop.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
			// Whatever the loop did last, the process runs on.
			new ProcessBuilder("kill", "-CONT", String.valueOf(this.pid)).start().waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not resume process " + this.pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
