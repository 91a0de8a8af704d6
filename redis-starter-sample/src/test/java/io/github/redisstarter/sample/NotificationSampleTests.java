package io.github.redisstarter.sample;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket fan-out across two sample instances sharing one Redis: what is posted to one
 * reaches the WebSocket clients of both, with a Java client and in a real headless
 * browser.
 */
class NotificationSampleTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void aNotificationPostedToOneInstanceReachesTheWebSocketClientsOfBoth() throws Exception {
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		try (SampleProcess a = SampleProcess.start(env); SampleProcess b = SampleProcess.start(env)) {
			List<String> onA = new CopyOnWriteArrayList<>();
			List<String> onB = new CopyOnWriteArrayList<>();
			WebSocket clientA = a.listenToNotifications(onA);
			WebSocket clientB = b.listenToNotifications(onB);
			awaitSubscribedTwice();

			HttpResponse<String> posted = b.post("/api/notifications", "{\"text\":\"hello from B\"}");
			assertThat(posted.statusCode()).isEqualTo(202);
			await().atMost(WAIT).until(() -> onA.size() == 1 && onB.size() == 1);
			assertThat(onA.get(0)).contains("\"text\":\"hello from B\"");
			Thread.sleep(300);
			assertThat(onB).hasSize(1);

			assertThat(a.post("/api/notifications", "{\"text\":\"  \"}").statusCode()).isEqualTo(400);
			clientA.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
			clientB.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
		}
	}

	@Test
	@Tag("machine") // needs Chromium and Node.js: run with -Pmachine-services
	void twoBrowserTabsOnTwoInstancesSeeEachOthersNotifications() throws Exception {
		Path browser = Path.of("src/test/browser");
		if (!Files.isDirectory(browser.resolve("node_modules/playwright-core"))) {
			run(browser, List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(3));
		}
		Map<String, String> env = Map.of("REDIS_URL", redis.server().url());
		try (SampleProcess a = SampleProcess.start(env); SampleProcess b = SampleProcess.start(env)) {
			String output = run(browser,
					List.of("node", "notifications.mjs", a.url("/"), b.url("/"), "hello from a tab"),
					Duration.ofMinutes(2));
			assertThat(output).contains("SEEN ON A: [\"hello from a tab from ");
		}
	}

	@SuppressWarnings("unchecked")
	private static void awaitSubscribedTwice() {
		await().atMost(WAIT)
			.until(() -> (Long) ((List<Object>) redis.server().command("PUBSUB", "NUMSUB", "notifications"))
				.get(1) == 2);
	}

	/**
	 * Runs a command in {@code directory}; fails with its output unless it exits with 0
	 * in time.
	 */
	private static String run(Path directory, List<String> command, Duration limit) throws Exception {
		Path log = Files.createTempFile("redis-starter-browser-", ".log");
		Process process = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(
					command + " did not finish within " + limit + ":\n" + Files.readString(log));
		}
		String output = Files.readString(log);
		if (process.exitValue() != 0) {
			throw new IllegalStateException(command + " failed (exit " + process.exitValue() + "); it needs Node.js and"
					+ " Debian's chromium (/usr/bin/chromium, or CHROMIUM=...), which .ci/run installs:\n" + output);
		}
		return output;
	}

}
