package io.github.redisstarter.autoconfigure.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.redisstarter.autoconfigure.QueueAutoConfiguration;
import io.github.redisstarter.autoconfigure.RedisStarterAutoConfiguration;
import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobQueue;
import io.github.redisstarter.queue.QueueHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The {@code queues} endpoint on the in-memory queue: counts and dead letters, the retry,
 * purge, pause and resume actions, payloads hidden unless asked for, and the endpoint
 * only where it is exposed.
 */
class QueuesEndpointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisStarterAutoConfiguration.class, QueueAutoConfiguration.class,
				QueuesEndpointAutoConfiguration.class))
		.withPropertyValues("redis-starter.queue.poll-interval=50ms",
				"management.endpoints.web.exposure.include=queues")
		.withBean("failing", QueueHandler.class, () -> new QueueHandler() {

			@Override
			public String queue() {
				return "mail";
			}

			@Override
			public Object handle(JobContext job) {
				if (job.payload(String.class).startsWith("bad")) {
					throw new IllegalStateException("mailbox full");
				}
				return null;
			}

		});

	@Test
	@SuppressWarnings("unchecked")
	void listsQueuesWithCountsAndDeadLettersAndRetriesAndPurgesThem() {
		this.runner.run((context) -> {
			QueuesEndpoint endpoint = context.getBean(QueuesEndpoint.class);
			JobQueue queue = context.getBean(JobQueue.class);
			String bad = queue.add("mail", "send", "bad@example.com");
			queue.add("mail", "send", "good@example.com");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> queue.counts("mail").completed() == 1 && queue.counts("mail").failed() == 1);
			Map<String, Object> mail = (Map<String, Object>) ((Map<String, Object>) endpoint.queues().get("queues"))
				.get("mail");
			assertThat(mail).containsEntry("completed", 1L).containsEntry("failed", 1L).containsEntry("paused", false);
			List<Map<String, Object>> failures = (List<Map<String, Object>>) mail.get("recentFailures");
			assertThat(failures).singleElement()
				.satisfies((failure) -> assertThat(failure).containsEntry("id", bad)
					.containsEntry("error", "java.lang.IllegalStateException: mailbox full")
					.doesNotContainKey("payload"));
			assertThat(endpoint.queue("mail").toString()).doesNotContain("bad@example.com");

			assertThat(endpoint.act("mail", "pause", null)).containsEntry("action", "pause");
			assertThat(queue.counts("mail").paused()).isTrue();
			endpoint.act("mail", "resume", null);
			assertThat(queue.counts("mail").paused()).isFalse();
			assertThat(endpoint.act("mail", "retry", bad)).containsEntry("retried", true);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> queue.counts("mail").failed() == 1 && queue.job("mail", bad).orElseThrow().attempts() == 1
						&& queue.job("mail", bad).orElseThrow().finishedAt() != null);
			assertThat(endpoint.act("mail", "purge", null)).containsEntry("purged", 1L);
			assertThat(queue.counts("mail").failed()).isZero();
			assertThatIllegalArgumentException().isThrownBy(() -> endpoint.act("mail", "drop", null))
				.withMessage("'action' must be one of retry, purge, pause or resume, not 'drop'");
			assertThatIllegalArgumentException().isThrownBy(() -> endpoint.act("mail", "retry", null))
				.withMessageContaining("'id' is required with action 'retry'");
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void payloadsAreShownOnlyWhenAskedFor() {
		this.runner.withPropertyValues("redis-starter.queue.endpoint.show-payloads=true").run((context) -> {
			JobQueue queue = context.getBean(JobQueue.class);
			queue.add("mail", "send", "bad@example.com");
			await().atMost(Duration.ofSeconds(10)).until(() -> queue.counts("mail").failed() == 1);
			List<Map<String, Object>> failures = (List<Map<String, Object>>) context.getBean(QueuesEndpoint.class)
				.queue("mail")
				.get("recentFailures");
			assertThat(failures).singleElement()
				.satisfies((failure) -> assertThat(failure).containsEntry("payload", "\"bad@example.com\""));
		});
	}

	@Test
	void theEndpointIsThereOnlyWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(QueuesEndpoint.class));
	}

}
