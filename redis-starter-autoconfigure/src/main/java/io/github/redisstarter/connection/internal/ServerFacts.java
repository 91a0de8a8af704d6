package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.BackendSwitchListener;
import io.github.redisstarter.connection.internal.RedisServerFacts.Capabilities;
import org.jspecify.annotations.Nullable;

/**
 * {@link RedisServerFacts} kept for whoever asks (the health component, the queue's
 * eviction check), so that asking never sends a command on the asker's thread: they are
 * read on a thread of their own when the app starts on Redis, when it switches back to
 * Redis (a failover may have changed the master; a read still running then is followed by
 * another), and when a question finds them older than {@code maxAge} (or, after a read
 * that failed, older than {@value #RETRY_AFTER_FAILURE_SECONDS} s). One read runs at a
 * time, and none while the app runs on the twins: nothing is sent to a Redis the app does
 * not use, or that is away. A read that fails (an ACL user without {@code INFO}) keeps
 * what was read before and says why.
 */
public final class ServerFacts implements BackendSwitchListener, AutoCloseable {

	private static final long RETRY_AFTER_FAILURE_SECONDS = 5;

	private final Supplier<RedisServerFacts> reader;

	private final BooleanSupplier usesRedis;

	private final Duration maxAge;

	private final Function<Throwable, String> describe;

	private final Capabilities capabilities;

	private final LongSupplier nanoTime;

	private final @Nullable BackendState state;

	private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("server-info"));

	private volatile Known known = new Known(null, null);

	/** The read in flight, if any; guarded by {@code this}. */
	private @Nullable CompletableFuture<Known> reading;

	/** Whether another read must follow the one in flight; guarded by {@code this}. */
	private boolean again;

	/** When the last read began (nanoTime); guarded by {@code this}. */
	private long lastReadNanos;

	/**
	 * @param reader reads the facts from Redis, throwing what the client throws
	 * @param maxAge how old the facts may get before a question has them read again
	 * @param describe words a failed read for the details, masked
	 * @param capabilities the capabilities that are on, whose keys the eviction warning
	 * names
	 */
	public ServerFacts(Supplier<RedisServerFacts> reader, BackendState state, Duration maxAge,
			Function<Throwable, String> describe, Capabilities capabilities) {
		this(reader, state::usesRedis, maxAge, describe, capabilities, System::nanoTime, state);
		state.addListener(this);
	}

	ServerFacts(Supplier<RedisServerFacts> reader, BooleanSupplier usesRedis, Duration maxAge,
			Function<Throwable, String> describe, Capabilities capabilities, LongSupplier nanoTime,
			@Nullable BackendState state) {
		this.reader = Objects.requireNonNull(reader, "'reader' must not be null");
		this.usesRedis = usesRedis;
		this.maxAge = maxAge;
		this.describe = describe;
		this.capabilities = capabilities;
		this.nanoTime = nanoTime;
		this.state = state;
		this.lastReadNanos = nanoTime.getAsLong();
		refresh();
	}

	/**
	 * What is known now, at once: the facts last read (possibly before an outage), and
	 * why the last read failed if it did. Has them read again, in the background, when
	 * they are too old.
	 */
	public Known current() {
		synchronized (this) {
			long age = this.nanoTime.getAsLong() - this.lastReadNanos;
			long limit = (this.known.failure() != null)
					? Math.min(this.maxAge.toNanos(), TimeUnit.SECONDS.toNanos(RETRY_AFTER_FAILURE_SECONDS))
					: this.maxAge.toNanos();
			if (age >= limit) {
				refresh();
			}
		}
		return this.known;
	}

	/**
	 * What is known now as health details: the facts (with a {@code warning} when the
	 * eviction policy puts keys of the capabilities that are on at risk) and
	 * {@code serverInfoFailure} when the last read failed; empty before the first read.
	 */
	public Map<String, Object> details() {
		Known now = current();
		Map<String, Object> details = new LinkedHashMap<>();
		if (now.facts() != null) {
			details.putAll(now.facts().details(this.capabilities));
		}
		if (now.failure() != null) {
			details.put("serverInfoFailure", now.failure());
		}
		return details;
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
				if (this.reading != null && !this.reading.isDone()) {
					// Begun before the switch: what it reads may be the old master.
					this.again = true;
				}
				refresh();
			}
		}
	}

	private synchronized void refresh() {
		if (this.thread.isShutdown() || !this.usesRedis.getAsBoolean()
				|| (this.reading != null && !this.reading.isDone())) {
			return;
		}
		this.lastReadNanos = this.nanoTime.getAsLong();
		try {
			this.reading = CompletableFuture.supplyAsync(this::read, this.thread);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: the app is stopping.
			return;
		}
		this.reading.whenComplete((read, failure) -> readAgainIfAsked());
	}

	private synchronized void readAgainIfAsked() {
		if (this.again) {
			this.again = false;
			refresh();
		}
	}

	private Known read() {
		Known read;
		try {
			read = new Known(this.reader.get(), null);
		}
		catch (RuntimeException ex) {
			read = new Known(this.known.facts(), this.describe.apply(ex));
		}
		this.known = read;
		return read;
	}

	@Override
	public void close() {
		if (this.state != null) {
			this.state.removeListener(this);
		}
		this.thread.shutdownNow();
	}

	/**
	 * @param facts the facts last read, or {@code null} before the first read completed
	 * @param failure why the last read failed, masked; {@code null} when it did not
	 */
	public record Known(@Nullable RedisServerFacts facts, @Nullable String failure) {
	}

}
