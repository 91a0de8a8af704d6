package io.github.redisstarter.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.Eviction;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.LettuceTestConnection;
import io.github.redisstarter.connection.internal.RedisPermissions;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobOptions;
import io.github.redisstarter.queue.JobQueue;
import io.github.redisstarter.queue.QueueHandler;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.session.FailoverSession;
import io.github.redisstarter.session.FailoverSessionRepository;
import io.github.redisstarter.session.SessionRepositories;
import io.github.redisstarter.session.SessionSettings;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every capability under a Redis user made with exactly the ACL line docs/security.md
 * gives, read from the document itself: the docs cannot drift from what the starter
 * sends.
 */
@ExtendWith(OutputCaptureExtension.class)
class DocumentedAclTests {

	private static final String ADMIN_PASSWORD = "acl-admin-pw-15";

	private static final String APP_PASSWORD = "acl-app-pw-15";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(ADMIN_PASSWORD));

	@Test
	void everyCapabilityWorksUnderTheUserTheSecurityDocGives(CapturedOutput output) throws IOException {
		String[] line = documentedLine().replace(">app-password", ">" + APP_PASSWORD).split(" ");
		assertThat(redis.server().command("ACL", "SETUSER", "app", "reset")).isEqualTo("OK");
		assertThat(redis.server().command(java.util.Arrays.copyOfRange(line, 0, line.length))).isEqualTo("OK");
		String url = "redis://app:" + APP_PASSWORD + "@127.0.0.1:" + redis.server().port();
		try (ConfigurableApplicationContext context = TestApp.runWith(new Class<?>[] { Jobs.class },
				Map.of("REDIS_URL", url), "redis-starter.rate-limit.limits.api.bands=2/1h",
				"redis-starter.queue.poll-interval=50ms")) {
			assertThat(context.getBean(BackendState.class).usesRedis()).isTrue();
			// The rate limiter's script (EVALSHA, then EVAL after NOSCRIPT; GET, SET and
			// TIME inside).
			redis.server().command("SCRIPT", "FLUSH");
			RateLimiter limiter = context.getBean(RateLimiter.class);
			Decision first = limiter.tryAcquire("api", "acl-client");
			assertThat(first.allowed()).isTrue();
			assertThat(first.source()).isEqualTo(Decision.Source.REDIS);
			assertThat(limiter.tryAcquire("api", "acl-client").allowed()).isTrue();
			assertThat(limiter.tryAcquire("api", "acl-client").allowed()).isFalse();
			limiter.reset("api", "acl-client");
			// The cache: MGET, its scripts, an acknowledged eviction, evictAll's sweep
			// (SCAN, UNLINK).
			TwoLevelCacheFactory caches = context.getBean(TwoLevelCacheFactory.class);
			TwoLevelCache<String> cache = caches.create("acl", String.class, (id) -> Optional.of("value of " + id));
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				cache.get("a");
				return caches.nearSize("acl") == 1;
			});
			assertThat(cache.get("a")).contains("value of a");
			assertThat(cache.evict("a")).isEqualTo(Eviction.EVERYWHERE);
			assertThat(cache.evictAll().reachedRedis()).isTrue();
			// The broadcaster: a message from another instance arrives over the app's
			// subscription.
			Broadcaster broadcaster = context.getBean(Broadcaster.class);
			List<String> received = new CopyOnWriteArrayList<>();
			broadcaster.subscribe("acl-news", String.class, (channel, message) -> received.add(message));
			broadcaster.publish("acl-news", "from this instance");
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				redis.server().command("PUBLISH", "acl-news", "another-node\nfrom another instance");
				return received.contains("from another instance");
			});
			// The job queue: add, claim, a failed attempt retried, completion, a dead
			// letter retried and purged, counts, pause and cancel.
			JobQueue queue = context.getBean(JobQueue.class);
			String retried = queue.add("acl-jobs", "job", "fail once", JobOptions.DEFAULTS.withAttempts(2));
			String dead = queue.add("acl-jobs", "job", "fail", JobOptions.DEFAULTS.withAttempts(1));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> queue.counts("acl-jobs").completed() == 1 && queue.counts("acl-jobs").failed() == 1);
			assertThat(queue.job("acl-jobs", retried).orElseThrow().attempts()).isEqualTo(2);
			assertThat(queue.retry("acl-jobs", dead)).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> queue.counts("acl-jobs").failed() == 1 && queue.counts("acl-jobs").waiting() == 0);
			assertThat(queue.purgeDeadLetters("acl-jobs")).isEqualTo(1);
			queue.pause("acl-jobs");
			assertThat(queue.cancel("acl-jobs", queue.add("acl-jobs", "job", "never"))).isTrue();
			queue.resume("acl-jobs");
			// The probes that take Redis back after it refused writes: a write, then INFO
			// memory.
			RedisStarterAutoConfiguration.ConnectionPing probe = new RedisStarterAutoConfiguration.ConnectionPing(
					context.getBean(RedisConnectionFactory.class), null);
			probe.probeWrite();
			assertThat(probe.memory()).as("INFO memory under the documented user").isNotNull();
			assertThat(context.getBean(BackendState.class).usesRedis()).isTrue();
		}
		assertThat(output.getAll()).doesNotContain("NOPERM")
			.doesNotContain("can't run this command")
			.doesNotContain("PUBLISH failed")
			.doesNotContain("has no permissions");
	}

	/** A handler that fails the first attempt of "fail once", and every one of "fail". */
	@Configuration(proxyBeanMethods = false)
	static class Jobs {

		@Bean
		QueueHandler aclJobs() {
			return new QueueHandler() {

				@Override
				public String queue() {
					return "acl-jobs";
				}

				@Override
				public Object handle(JobContext job) {
					String payload = job.payload(String.class);
					if (payload.equals("fail") || (payload.equals("fail once") && job.attempt() == 1)) {
						throw new IllegalStateException(payload);
					}
					return "done";
				}

			};
		}

	}

	@Test
	void theDocumentedLineIsTheOneTheStarterChecksFor() throws IOException {
		assertThat(documentedLine())
			.isEqualTo(new RedisPermissions("rl", "cache", true, true, "queue").aclLine("app", "app-password"));
	}

	/** The {@code ACL SETUSER app ...} line of docs/security.md. */
	private static String documentedLine() throws IOException {
		return documentedLines().get(0);
	}

	/** The {@code ACL SETUSER app ...} lines of docs/security.md: all, then sessions. */
	private static List<String> documentedLines() throws IOException {
		List<String> lines = Files.readAllLines(Path.of("../docs/security.md"))
			.stream()
			.filter((line) -> line.startsWith("ACL SETUSER app "))
			.toList();
		if (lines.size() != 2) {
			throw new IllegalStateException("docs/security.md should give two 'ACL SETUSER app' lines, gives " + lines);
		}
		return lines;
	}

	@Test
	void theSessionsLineIsWhatTheStarterAddsForSessionsAndSessionsWorkUnderBothLines() throws IOException {
		List<String> withSessions = new RedisPermissions("rl", "cache", true, true, "queue", "spring:session").rules();
		List<String> added = new java.util.ArrayList<>(withSessions);
		added.removeAll(new RedisPermissions("rl", "cache", true, true, "queue").rules());
		String sessionsLine = documentedLines().get(1);
		assertThat(sessionsLine).isEqualTo("ACL SETUSER app " + String.join(" ", added));

		redis.server().command("ACL", "SETUSER", "app", "reset");
		redis.server().command(documentedLine().replace(">app-password", ">" + APP_PASSWORD).split(" "));
		redis.server().command(sessionsLine.split(" "));
		RedisStandaloneConfiguration config = new RedisStandaloneConfiguration("127.0.0.1", redis.server().port());
		config.setUsername("app");
		config.setPassword(APP_PASSWORD);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
		factory.afterPropertiesSet();
		factory.start();
		try (SharedRedisCommands commands = new SharedRedisCommands(factory)) {
			assertThat(
					new RedisPermissions("rl", "cache", true, true, "queue", "spring:session").missing(commands.get()))
				.isEmpty();
			redis.server().command("ACL", "SETUSER", "app", "-rename", "-pexpireat");
			assertThat(
					new RedisPermissions("rl", "cache", true, true, "queue", "spring:session").missing(commands.get()))
				.containsExactly("+pexpireat", "+rename");
			redis.server().command(sessionsLine.split(" "));

			FailoverSessionRepository sessions = SessionRepositories.onRedis(factory,
					new DefaultFailover(new LettuceTestConnection(redis).onRedis()), SessionSettings.defaults(), null,
					null);
			FailoverSession session = sessions.createSession();
			session.setAttribute("user", "ann");
			sessions.save(session);
			FailoverSession found = sessions.findById(session.getId());
			String newId = found.changeSessionId();
			sessions.save(found);
			assertThat(sessions.findById(newId).<String>getAttribute("user")).isEqualTo("ann");
			sessions.deleteById(newId);
			assertThat(sessions.findById(newId)).isNull();
			assertThat(found.inRedis()).isTrue();
			assertThat(sessions.sessionsInMemory()).isZero();
		}
		finally {
			factory.destroy();
		}
	}

}
