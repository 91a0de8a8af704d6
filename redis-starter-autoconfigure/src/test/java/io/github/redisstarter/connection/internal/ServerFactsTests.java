package io.github.redisstarter.connection.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSwitch;
import io.github.redisstarter.connection.internal.RedisServerFacts.Capabilities;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When {@link ServerFacts} has Redis read, with a reader that counts its reads (what a
 * read sends and what Redis answers: {@code RedisHealthDetailsTests}): never while the
 * app is on the twins, once more after a switch back that a read in flight began before,
 * again soon after a failure, and never after it is closed.
 */
class ServerFactsTests {

	private final AtomicBoolean onRedis = new AtomicBoolean(true);

	private final AtomicLong now = new AtomicLong();

	private final AtomicInteger reads = new AtomicInteger();

	private static RedisServerFacts facts(String version) {
		Properties info = new Properties();
		info.setProperty("redis_version", version);
		return RedisServerFacts.of(info, Instant.EPOCH);
	}

	private ServerFacts start(Supplier<RedisServerFacts> reader) {
		Supplier<RedisServerFacts> counted = () -> {
			this.reads.incrementAndGet();
			return reader.get();
		};
		return new ServerFacts(counted, this.onRedis::get, Duration.ofMinutes(1), Throwable::getMessage,
				Capabilities.ALL, this.now::get, null);
	}

	private static BackendSwitch toRedis() {
		return new BackendSwitch(BackendMode.MEMORY, BackendMode.REDIS, "back", Instant.EPOCH);
	}

	@Test
	void nothingIsReadOnTheTwinsAndQuestionsWithinTheMaxAgeReadNothing() {
		this.onRedis.set(false);
		try (ServerFacts facts = start(() -> facts("7.0.15"))) {
			this.now.addAndGet(Duration.ofHours(1).toNanos());
			assertThat(facts.details()).isEmpty();
			assertThat(this.reads).hasValue(0);
			this.onRedis.set(true);
			facts.onSwitch(toRedis());
			await().atMost(Duration.ofSeconds(5)).until(() -> facts.details().containsKey("version"));
			for (int i = 0; i < 100; i++) {
				facts.details();
			}
			this.now.addAndGet(Duration.ofSeconds(59).toNanos());
			facts.details();
			assertThat(this.reads).hasValue(1);
			this.now.addAndGet(Duration.ofSeconds(1).toNanos());
			facts.details();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() == 2);
		}
	}

	@Test
	void aSwitchBackDuringAReadBegunBeforeItHasRedisReadOnceMore() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		try (ServerFacts facts = start(() -> {
			if (this.reads.get() == 1) {
				awaitRelease(release);
				return facts("the old master");
			}
			return facts("the new master");
		})) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() == 1);
			facts.onSwitch(toRedis());
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> "the new master".equals(facts.details().get("version")));
			assertThat(this.reads).hasValue(2);
		}
	}

	@Test
	void aFailedReadKeepsWhatWasReadSaysWhyAndIsTriedAgainAfterFiveSeconds() {
		AtomicBoolean refuse = new AtomicBoolean();
		try (ServerFacts facts = start(() -> {
			if (refuse.get()) {
				throw new IllegalStateException("NOPERM this user has no permissions to run the 'info' command");
			}
			return facts("7.0.15");
		})) {
			await().atMost(Duration.ofSeconds(5)).until(() -> facts.details().containsKey("version"));
			refuse.set(true);
			this.now.addAndGet(Duration.ofMinutes(1).toNanos());
			facts.details();
			await().atMost(Duration.ofSeconds(5)).until(() -> facts.details().containsKey("serverInfoFailure"));
			assertThat(facts.details()).containsEntry("version", "7.0.15")
				.containsEntry("serverInfoFailure", "NOPERM this user has no permissions to run the 'info' command");
			refuse.set(false);
			this.now.addAndGet(Duration.ofSeconds(5).toNanos());
			facts.details();
			await().atMost(Duration.ofSeconds(5)).until(() -> !facts.details().containsKey("serverInfoFailure"));
			assertThat(this.reads).hasValue(3);
		}
	}

	@Test
	void aClosedOneReadsNothingAndStillAnswers() {
		ServerFacts facts = start(() -> facts("7.0.15"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() == 1);
		facts.close();
		this.now.addAndGet(Duration.ofHours(1).toNanos());
		facts.onSwitch(toRedis());
		assertThat(facts.details()).isNotNull();
		assertThat(this.reads).hasValue(1);
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
