package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import org.jspecify.annotations.Nullable;

/**
 * {@link RedisServerFacts} kept for whoever asks (the health component, the queue's
 * eviction check), so that asking never sends a command: they are read on a thread of
 * their own when the app starts on Redis, when it switches back to Redis, and when a
 * question finds them older than {@code maxAge}; one read at a time, and never while the
 * app runs on the twins (nothing is sent to a Redis the app does not use, or that is
 * away). A read that fails (an ACL user without {@code INFO}) keeps what was read before
 * and says why.
 */
public final class ServerFacts implements BackendSwitchListener, AutoCloseable {

	private final Supplier<RedisServerFacts> reader;

	private final BackendState state;

	private final Duration maxAge;

	private final Secrets secrets;

	private final LongSupplier nanoTime;

	private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("server-info"));

	private volatile Known known = new Known(null, null);

	/** The read in flight, if any; guarded by {@code this}. */
	private @Nullable CompletableFuture<Known> reading;

	/** When the last read began (nanoTime); guarded by {@code this}. */
	private long lastReadNanos;

	/**
	 * @param reader reads the facts from Redis, throwing what the client throws
	 * @param maxAge how old the facts may get before a question has them read again
	 */
	public ServerFacts(Supplier<RedisServerFacts> reader, BackendState state, Duration maxAge, Secrets secrets) {
		this(reader, state, maxAge, secrets, System::nanoTime);
	}

	ServerFacts(Supplier<RedisServerFacts> reader, BackendState state, Duration maxAge, Secrets secrets,
			LongSupplier nanoTime) {
		this.reader = Objects.requireNonNull(reader, "'reader' must not be null");
		this.state = state;
		this.maxAge = maxAge;
		this.secrets = secrets;
		this.nanoTime = nanoTime;
		state.addListener(this);
		refresh();
	}

	/**
	 * What is known now, at once: the facts last read (possibly before an outage), and
	 * why the last read failed if it did. Has them read again, in the background, when
	 * they are older than {@code maxAge}.
	 */
	public Known current() {
		synchronized (this) {
			if (this.nanoTime.getAsLong() - this.lastReadNanos >= this.maxAge.toNanos()) {
				refresh();
			}
		}
		return this.known;
	}

	/**
	 * The facts, waiting up to {@code wait} for a first read (or the one in flight) when
	 * none has completed yet: for a check at startup.
	 */
	public @Nullable RedisServerFacts awaitFacts(Duration wait) {
		CompletableFuture<Known> inFlight;
		synchronized (this) {
			inFlight = this.reading;
		}
		if (this.known.facts() == null && inFlight != null) {
			try {
				inFlight.get(wait.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// unknown
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return this.known.facts();
	}

	/** Back on Redis: a failover may have changed what Redis is. */
	@Override
	public void onSwitch(BackendSwitch change) {
		if (change.to() == BackendMode.REDIS) {
			synchronized (this) {
				refresh();
			}
		}
	}

	private synchronized void refresh() {
		if (!this.state.usesRedis() || (this.reading != null && !this.reading.isDone())) {
			return;
		}
		this.lastReadNanos = this.nanoTime.getAsLong();
		this.reading = CompletableFuture.supplyAsync(this::read, this.thread);
	}

	private Known read() {
		Known read;
		try {
			read = new Known(this.reader.get(), null);
		}
		catch (RuntimeException ex) {
			String why = this.secrets.mask(RedisFailures.describe(ex, this.state.endpoint()));
			read = new Known(this.known.facts(), why);
		}
		this.known = read;
		return read;
	}

	@Override
	public void close() {
		this.state.removeListener(this);
		this.thread.shutdownNow();
	}

	/**
	 * @param facts the facts last read, or {@code null} before the first read completed
	 * @param failure why the last read failed, masked; {@code null} when it did not
	 */
	public record Known(@Nullable RedisServerFacts facts, @Nullable String failure) {
	}

}
