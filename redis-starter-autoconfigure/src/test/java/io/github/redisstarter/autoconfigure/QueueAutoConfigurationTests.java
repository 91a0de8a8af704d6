package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobEvent;
import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.queue.JobListener;
import io.github.redisstarter.queue.JobOptions;
import io.github.redisstarter.queue.JobQueue;
import io.github.redisstarter.queue.JobState;
import io.github.redisstarter.queue.QueueHandler;
import io.github.redisstarter.ratelimit.RateLimiter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * The job queue's wiring, with no Redis configured (the in-memory queue; the queue on
 * Redis is in {@code QueueOutageTests}): handlers found as beans and annotated methods,
 * repeatable jobs from properties, the conditions and the errors of bad settings.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisStarterAutoConfiguration.class, RateLimiterAutoConfiguration.class, QueueAutoConfiguration.class))
		.withPropertyValues("redis-starter.queue.poll-interval=50ms");

	private static final Duration WAIT = Duration.ofSeconds(10);

	record Upload(String file) {
	}

	static class MediaJobs {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@JobHandler("media")
		String thumbnail(Upload upload, JobContext job) {
			this.seen.add(upload.file() + "#" + job.attempt());
			return "thumb-of-" + upload.file();
		}

		@JobHandler("sync")
		void sync(JsonNode payload) {
			this.seen.add("sync " + payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		MediaJobs mediaJobs() {
			return new MediaJobs();
		}

		@Bean
		QueueHandler notifications() {
			return new QueueHandler() {

				@Override
				public String queue() {
					return "notifications";
				}

				@Override
				public Object handle(JobContext job) {
					return "sent " + job.payload(String.class);
				}

			};
		}

		@Bean
		JobListener recorder() {
			return new Recorder();
		}

	}

	static final class Recorder implements JobListener {

		final List<JobEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onEvent(JobEvent event) {
			this.events.add(event);
		}

	}

	@Test
	void withNoRedisJobsRunInMemoryOnAnnotatedMethodsAndHandlerBeansWithOneWarning(CapturedOutput output) {
		this.runner.withUserConfiguration(Handlers.class).run((context) -> {
			assertThat(context).hasNotFailed();
			JobQueue queue = context.getBean(JobQueue.class);
			String media = queue.add("media", "thumbnail", new Upload("a.png"), JobOptions.DEFAULTS.withAttempts(2));
			String mail = queue.add("notifications", "mail", "hello");
			await().atMost(WAIT)
				.until(() -> queue.job("media", media).map((job) -> job.state() == JobState.COMPLETED).orElse(false)
						&& queue.job("notifications", mail)
							.map((job) -> job.state() == JobState.COMPLETED)
							.orElse(false));
			assertThat(queue.job("media", media).orElseThrow().result()).isEqualTo("\"thumb-of-a.png\"");
			assertThat(queue.job("notifications", mail).orElseThrow().result()).isEqualTo("\"sent hello\"");
			assertThat(context.getBean(MediaJobs.class).seen).containsExactly("a.png#1");
			assertThat(context.getBean(Recorder.class).events)
				.anyMatch((event) -> event.type() == JobEvent.Type.COMPLETED && event.jobId().equals(media));
			assertThat(queue.queues()).contains("media", "notifications", "sync");
		});
		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN "))).singleElement()
			.asString()
			.contains("No Redis configured")
			.contains("jobs run in this instance only and are lost when it stops");
	}

	@Test
	void inMemoryModeWarnsThatJobsAreLostWithTheInstance(CapturedOutput output) {
		this.runner.withPropertyValues("redis-starter.mode=memory", "spring.data.redis.url=redis://127.0.0.1:1")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN "))).singleElement()
			.asString()
			.contains("Jobs run in this instance only (redis-starter.mode=memory)");
	}

	@Test
	void aRepeatableJobFromPropertiesRunsAtItsTicks() {
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("redis-starter.queue.queues.sync.repeat.nightly.every=200ms",
					"redis-starter.queue.queues.sync.repeat.nightly.payload={\"scope\":\"all\"}")
			.run((context) -> {
				MediaJobs jobs = context.getBean(MediaJobs.class);
				await().atMost(WAIT).until(() -> jobs.seen.size() >= 2);
				assertThat(jobs.seen).allMatch((line) -> line.equals("sync {\"scope\":\"all\"}"));
			});
	}

	@Test
	void aQueuesRateLimitPacesItsJobs() throws InterruptedException {
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("redis-starter.rate-limit.limits.mail.bands=2/1h",
					"redis-starter.queue.queues.notifications.rate-limit=mail",
					"redis-starter.queue.queues.notifications.concurrency=4")
			.run((context) -> {
				JobQueue queue = context.getBean(JobQueue.class);
				for (int i = 0; i < 4; i++) {
					queue.add("notifications", "mail", "to " + i);
				}
				await().atMost(WAIT).until(() -> queue.counts("notifications").completed() == 2);
				Thread.sleep(500);
				assertThat(queue.counts("notifications").completed()).isEqualTo(2);
				// Taken by workers that wait for a permit.
				assertThat(queue.counts("notifications").active()).isEqualTo(2);
				// Under the queue's name: the limit is the queue's, on every instance.
				assertThat(context.getBean(RateLimiter.class).tryAcquire("mail", "notifications").allowed()).isFalse();
			});
	}

	@Test
	void aRateLimitThatDoesNotExistFailsStartupNamingTheProperty() {
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("redis-starter.rate-limit.limits.mail.bands=2/1h",
					"redis-starter.queue.queues.notifications.rate-limit=email")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidRedisSettingException.class)
					.hasMessageContaining("redis-starter.queue.queues.notifications.rate-limit='email'")
					.hasMessageContaining("no rate limit has that name")
					.hasMessageContaining("[mail]");
			});
	}

	@Test
	void queueDefaultsComeFromProperties() {
		this.runner
			.withPropertyValues("redis-starter.queue.defaults.attempts=4",
					"redis-starter.queue.queues.media.keep-completed=7",
					"redis-starter.queue.queues.media.backoff=exponential 1s 1m")
			.run((context) -> {
				JobQueue queue = context.getBean(JobQueue.class);
				queue.pause("media");
				String id = queue.add("media", "x", null);
				assertThat(queue.job("media", id).orElseThrow().maxAttempts()).isEqualTo(4);
				assertThat(queue.job("other", queue.add("other", "x", null)).orElseThrow().maxAttempts()).isEqualTo(4);
			});
	}

	@Test
	void anAppsOwnJobQueueWins() {
		JobQueue own = mock(JobQueue.class);
		this.runner.withBean(JobQueue.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JobQueue.class)).isSameAs(own);
		});
	}

	@Test
	void theQueueCanBeTurnedOff() {
		this.runner.withPropertyValues("redis-starter.queue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JobQueue.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoHandlersForOneQueue {

		@Bean
		MediaJobs first() {
			return new MediaJobs();
		}

		@Bean
		MediaJobs second() {
			return new MediaJobs();
		}

	}

	@Test
	void twoHandlersForOneQueueFailStartupNamingBoth() {
		this.runner.withUserConfiguration(TwoHandlersForOneQueue.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("has two handlers")
				.hasMessageContaining("bean 'first'")
				.hasMessageContaining("bean 'second'");
		});
	}

	@Test
	void badSettingsFailStartupNamingTheProperty() {
		this.runner.withPropertyValues("redis-starter.queue.queues.media.concurrency=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidRedisSettingException.class)
				.hasMessageContaining("redis-starter.queue.queues.media")
				.hasMessageContaining("'concurrency' must be at least 1");
		});
		this.runner.withPropertyValues("redis-starter.queue.queues.media.backoff=sometimes").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'backoff' must be 'fixed <duration>' or 'exponential <first> <max>'");
		});
		this.runner.withPropertyValues("redis-starter.queue.visibility-timeout=10ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidRedisSettingException.class)
				.hasMessageContaining("redis-starter.queue.visibility-timeout='10ms'");
		});
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("redis-starter.queue.queues.sync.repeat.nightly.cron=every night")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidRedisSettingException.class)
					.hasMessageContaining("redis-starter.queue.queues.sync.repeat.nightly='every night'")
					.hasMessageContaining("'cron' must be a cron expression of six fields");
			});
	}

}
