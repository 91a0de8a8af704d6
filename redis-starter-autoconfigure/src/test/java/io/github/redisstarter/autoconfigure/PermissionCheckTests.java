package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.RedisPermissionException;
import io.github.redisstarter.connection.internal.RedisPermissions;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.RedisServer;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Redis user that lacks a permission the starter needs: found at startup before any
 * traffic, named with the rules to add; at runtime a refusal is answered by the twins,
 * once, and Redis is taken back when the user has what it needs.
 */
@ExtendWith(OutputCaptureExtension.class)
class PermissionCheckTests {

	private static final String ADMIN_PASSWORD = "perm-admin-pw-16";

	private static final String APP_PASSWORD = "perm-app-pw-16";

	private static final Duration BOUND = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password(ADMIN_PASSWORD));

	@BeforeEach
	void grantEverythingTheStarterNeeds() {
		String line = new RedisPermissions("rl", "cache", true, true, "queue").aclLine("app", APP_PASSWORD);
		redis.server().command("ACL", "SETUSER", "app", "reset");
		redis.server().command(line.split(" "));
	}

	private static ConfigurableApplicationContext start(String... settings) {
		String url = "redis://app:" + APP_PASSWORD + "@127.0.0.1:" + redis.server().port();
		String[] all = new String[settings.length + 1];
		all[0] = "redis-starter.rate-limit.limits.api.bands=3/1h";
		System.arraycopy(settings, 0, all, 1, settings.length);
		return TestApp.run(Map.of("REDIS_URL", url), all);
	}

	@Test
	void aUserMissingGetIsFoundAtStartupAndTakenBackOnceItHasIt(CapturedOutput output) {
		redis.server().command("ACL", "SETUSER", "app", "-get");
		try (ConfigurableApplicationContext context = start()) {
			BackendState state = context.getBean(BackendState.class);
			assertThat(state.mode()).isEqualTo(BackendMode.MEMORY);
			assertThat(Logs.starterLines(output, "ERROR")).singleElement()
				.asString()
				.contains("refused a command to the app's Redis user")
				.contains("lacks what the starter needs: +get")
				.contains("Add it with: ACL SETUSER app +get")
				.contains("ACL SETUSER app on ><password> ~rl:* ~cache:*")
				.doesNotContain(APP_PASSWORD);
			assertThat(health(context).getDetails().get("reason").toString()).contains("+get");
			Decision decision = context.getBean(RateLimiter.class).tryAcquire("api", "client");
			assertThat(decision.source()).isEqualTo(Decision.Source.FALLBACK);

			redis.server().command("ACL", "SETUSER", "app", "+get");
			await().atMost(BOUND).until(() -> state.mode() == BackendMode.REDIS);
			assertThat(context.getBean(RateLimiter.class).tryAcquire("api", "client").source())
				.isEqualTo(Decision.Source.REDIS);
		}
		assertThat(Logs.starterLines(output, "ERROR")).hasSize(1);
		assertThat(Logs.starterLines(output, "INFO").stream().filter((line) -> line.contains("is back")))
			.singleElement()
			.asString()
			.contains("the user's permissions checked");
	}

	@Test
	void withRequiredAUserMissingGetStopsStartupNamingWhatToAdd(CapturedOutput output) {
		redis.server().command("ACL", "SETUSER", "app", "-get");
		assertThatThrownBy(() -> start("redis-starter.required=true").close()).rootCause()
			.isInstanceOfSatisfying(RedisPermissionException.class, (refused) -> {
				assertThat(refused.getMissing()).containsExactly("+get");
				assertThat(refused.getFix()).isEqualTo("ACL SETUSER app +get");
				assertThat(refused.getMessage()).contains("lacks what the starter needs: +get")
					.doesNotContain(APP_PASSWORD);
			});
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("refused the app's user what the starter needs: +get")
			.contains("Run ACL SETUSER app +get on Redis")
			.doesNotContain(APP_PASSWORD);
	}

	@Test
	void missingKeyPatternsChannelsAndScriptCommandsAreNamedEach() {
		redis.server()
			.command("ACL", "SETUSER", "app", "resetkeys", "~cache:*", "~redis-starter:probe", "-time", "-unlink",
					"resetchannels");
		assertThatThrownBy(() -> start("redis-starter.required=true").close()).rootCause()
			.isInstanceOfSatisfying(RedisPermissionException.class, (refused) -> assertThat(refused.getMissing())
				.containsExactly("~rl:*", "~queue:*", "+unlink", "+time", "&cache:*"));
	}

	@Test
	void theQueuesCommandsAreCheckedEachByName() {
		redis.server().command("ACL", "SETUSER", "app", "-xautoclaim", "-hgetall", "-xgroup|create");
		assertThatThrownBy(() -> start("redis-starter.required=true").close()).rootCause()
			.isInstanceOfSatisfying(RedisPermissionException.class, (refused) -> {
				assertThat(refused.getMissing()).containsExactly("+xgroup|create", "+xautoclaim", "+hgetall");
				assertThat(refused.getFix()).isEqualTo("ACL SETUSER app +xgroup|create +xautoclaim +hgetall");
			});
	}

	@Test
	void theCheckFollowsTheCapabilitiesThatAreOn() {
		redis.server().command("ACL", "SETUSER", "app", "resetkeys", "~cache:*", "~redis-starter:probe");
		try (ConfigurableApplicationContext context = start("redis-starter.required=true",
				"redis-starter.rate-limit.enabled=false", "redis-starter.queue.enabled=false")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.REDIS);
		}
	}

	@Test
	void theCheckAsksOnlyForWhatIsUsed() {
		// INFO is read only after OOM and done without; channels narrowed to the caches'
		// own, as docs/security.md allows.
		redis.server().command("ACL", "SETUSER", "app", "-info", "resetchannels", "&cache:*");
		try (ConfigurableApplicationContext context = start("redis-starter.required=true")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.REDIS);
		}
		// Rate limits alone, on the app's clock: no TIME needed.
		redis.server().command("ACL", "SETUSER", "app", "-time");
		try (ConfigurableApplicationContext context = start("redis-starter.required=true",
				"redis-starter.cache.enabled=false", "redis-starter.broadcast.enabled=false",
				"redis-starter.queue.enabled=false", "redis-starter.rate-limit.time-source=client")) {
			assertThat(context.getBean(BackendState.class).mode()).isEqualTo(BackendMode.REDIS);
		}
		assertThatThrownBy(() -> start("redis-starter.required=true", "redis-starter.cache.enabled=false",
				"redis-starter.broadcast.enabled=false", "redis-starter.queue.enabled=false")
			.close()).rootCause()
			.isInstanceOfSatisfying(RedisPermissionException.class,
					(refused) -> assertThat(refused.getMissing()).containsExactly("+time"));
	}

	@Test
	void aRefusalAtRuntimeIsAnsweredByTheTwinsWithOneErrorLine(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start()) {
			BackendState state = context.getBean(BackendState.class);
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(limiter.tryAcquire("api", "runtime").source()).isEqualTo(Decision.Source.REDIS);

			redis.server().command("ACL", "SETUSER", "app", "-get");
			for (int i = 0; i < 20; i++) {
				// Never a failure to the caller: the twin answers.
				Decision decision = limiter.tryAcquire("api", "runtime-" + i);
				assertThat(decision.source()).isIn(Decision.Source.REDIS, Decision.Source.FALLBACK);
			}
			await().atMost(BOUND).until(() -> state.mode() == BackendMode.MEMORY);
			assertThat(health(context).getDetails().get("reason").toString()).contains("permission denied");
			// Still on the twins while the user lacks it: the probe is the permission
			// check,
			// not a PING that would pass.
			await().during(Duration.ofSeconds(1)).atMost(BOUND).until(() -> state.mode() == BackendMode.MEMORY);

			redis.server().command("ACL", "SETUSER", "app", "+get");
			await().atMost(BOUND).until(() -> state.mode() == BackendMode.REDIS);
		}
		assertThat(Logs.starterLines(output, "ERROR")).singleElement()
			.asString()
			.contains("refused a command to the app's Redis user")
			.contains("permission denied")
			.contains("+get");
		assertThat(output.getAll()).doesNotContain(APP_PASSWORD);
	}

	private static Health health(ConfigurableApplicationContext context) {
		return context.getBean(io.github.redisstarter.autoconfigure.health.BackendHealthIndicator.class).health(true);
	}

}
