package io.github.redisstarter.sample;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A steady mixed load on two sample instances, recorded request by request: rate-limited
 * pings from several clients (told apart by X-Forwarded-For), role reads, role updates,
 * notification posts, uploads that become jobs, and one WebSocket listener on each
 * instance. Role reads are checked against the updates: a read that started after an
 * update had completed and still shows an older version is stale.
 */
final class SampleLoad implements AutoCloseable {

	/**
	 * One request: when it started and ended (nanoTime), what it was, and its status (-1:
	 * no response at all).
	 */
	record Request(long startNanos, long endNanos, String kind, int status, boolean stale) {

		long millis() {
			return (this.endNanos - this.startNanos) / 1_000_000;
		}

	}

	/** One notification posted: on which instance, when, and its text. */
	record Posted(long atNanos, int instance, String text) {
	}

	/** One upload the sample accepted (202): when, and the id of its job. */
	record Upload(long atNanos, String id) {
	}

	private static final Pattern VERSION = Pattern.compile("\"name\":\"v(\\d+)\"");

	private final SampleProcess[] instances;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final AtomicBoolean running = new AtomicBoolean();

	final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();

	final ConcurrentLinkedQueue<Posted> posted = new ConcurrentLinkedQueue<>();

	/** Every upload accepted: each must end as a completed job. */
	final ConcurrentLinkedQueue<Upload> uploads = new ConcurrentLinkedQueue<>();

	private static final Pattern JOB_ID = Pattern.compile("\"id\":\"([^\"]+)\"");

	/** What each instance's WebSocket client received, in order. */
	final List<List<String>> heard = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());

	private final List<WebSocket> sockets = new ArrayList<>();

	/** The version of the editor role the last completed update wrote. */
	private final AtomicLong committed = new AtomicLong();

	private final AtomicLong nextVersion = new AtomicLong();

	private final AtomicLong nextNotification = new AtomicLong();

	SampleLoad(SampleProcess a, SampleProcess b) {
		this.instances = new SampleProcess[] { a, b };
	}

	/** Connects the WebSocket listeners; returns once both are open. */
	void listen() throws Exception {
		for (int i = 0; i < 2; i++) {
			this.sockets.add(this.instances[i].listenToNotifications(this.heard.get(i)));
		}
	}

	void start() {
		this.running.set(true);
		for (int client = 1; client <= 4; client++) {
			String ip = "10.0.0." + client;
			loop(40, (n) -> record("ping", () -> instance(n).get("/api/ping", "X-Forwarded-For", ip)));
		}
		for (int reader = 0; reader < 2; reader++) {
			loop(20, this::readRole);
		}
		loop(300, this::updateRole);
		loop(100, (n) -> {
			byte[] bytes = ("upload " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
			HttpResponse<String> response = record("upload", () -> instance(n).upload("/api/media", "f.bin", bytes));
			if (response != null && response.statusCode() == 202) {
				Matcher id = JOB_ID.matcher(response.body());
				if (id.find()) {
					this.uploads.add(new Upload(System.nanoTime(), id.group(1)));
				}
			}
		});
		loop(150, (n) -> {
			String text = "n" + this.nextNotification.incrementAndGet();
			this.posted.add(new Posted(System.nanoTime(), (int) (n % 2), text));
			record("notify", () -> instance(n).post("/api/notifications", "{\"text\":\"" + text + "\"}"));
		});
	}

	private void readRole(long n) throws Exception {
		long floor = this.committed.get();
		long start = System.nanoTime();
		HttpResponse<String> response = attempt(() -> instance(n).get("/api/roles/editor"));
		long end = System.nanoTime();
		boolean stale = false;
		if (response != null && response.statusCode() == 200) {
			Matcher version = VERSION.matcher(response.body());
			stale = version.find() && Long.parseLong(version.group(1)) < floor;
		}
		this.requests.add(new Request(start, end, "role-read", status(response), stale));
	}

	private void updateRole(long n) throws Exception {
		long version = this.nextVersion.incrementAndGet();
		HttpResponse<String> response = record("role-update", () -> instance(n).put("/api/roles/editor",
				"{\"name\":\"v" + version + "\",\"permissions\":[\"posts:read\"]}"));
		if (response != null && response.statusCode() == 200) {
			this.committed.accumulateAndGet(version, Math::max);
		}
	}

	private SampleProcess instance(long n) {
		return this.instances[(int) (n % 2)];
	}

	/** Sends one request and records it with the load's; null when it got no response. */
	HttpResponse<String> record(String kind, Call call) {
		long start = System.nanoTime();
		HttpResponse<String> response = attempt(call);
		this.requests.add(new Request(start, System.nanoTime(), kind, status(response), false));
		return response;
	}

	private static HttpResponse<String> attempt(Call call) {
		try {
			return call.send();
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static int status(HttpResponse<String> response) {
		return (response != null) ? response.statusCode() : -1;
	}

	private void loop(long pauseMillis, Step step) {
		loop(pauseMillis, this.running::get, step);
	}

	private Future<?> loop(long pauseMillis, BooleanSupplier going, Step step) {
		return this.threads.submit(() -> {
			long n = 0;
			while (going.getAsBoolean()) {
				try {
					step.run(n++);
					Thread.sleep(pauseMillis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				catch (Exception ex) {
					// Recorded by the step itself; the load goes on.
				}
			}
		});
	}

	/**
	 * Runs {@code step} every {@code pauseMillis} beside the load, until the returned
	 * loop is closed (or the load stops). A step records its requests with
	 * {@link #record}.
	 */
	Loop alsoEvery(long pauseMillis, Step step) {
		AtomicBoolean going = new AtomicBoolean(true);
		Future<?> loop = loop(pauseMillis, () -> going.get() && this.running.get(), step);
		return () -> {
			going.set(false);
			loop.get(40, TimeUnit.SECONDS);
		};
	}

	/** A loop beside the load; closing it waits for its last step. */
	@FunctionalInterface
	interface Loop extends AutoCloseable {

		@Override
		void close() throws Exception;

	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.threads.shutdown();
		this.threads.awaitTermination(40, TimeUnit.SECONDS);
		for (WebSocket socket : this.sockets) {
			socket.abort();
		}
	}

	@FunctionalInterface
	interface Call {

		HttpResponse<String> send() throws Exception;

	}

	@FunctionalInterface
	interface Step {

		void run(long n) throws Exception;

	}

}
