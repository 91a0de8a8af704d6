package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.redisstarter.autoconfigure.metrics.RateLimitMetrics;
import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.OutagePolicy;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.Concurrently;
import io.github.redisstarter.test.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The RateLimiter bean as an app gets it: limits from properties and beans, shared
 * through Redis, across outages.
 */
@ExtendWith(OutputCaptureExtension.class)
class RateLimiterAutoConfigurationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final String[] LIMITS = { "redis-starter.rate-limit.limits.compact.bands=3/10s",
			"redis-starter.rate-limit.limits.objects.bands[0].permits=2",
			"redis-starter.rate-limit.limits.objects.bands[0].period=10s",
			"redis-starter.rate-limit.limits.objects.bands[1].permits=5",
			"redis-starter.rate-limit.limits.objects.bands[1].period=1h",
			"redis-starter.rate-limit.limits.open.bands=2/10s",
			"redis-starter.rate-limit.limits.open.outage-policy=fail-open",
			"redis-starter.rate-limit.limits.closed.bands=2/10s",
			"redis-starter.rate-limit.limits.closed.outage-policy=fail-closed",
			"redis-starter.rate-limit.limits.shared.bands=100/1h" };

	private ConfigurableApplicationContext run(String... extra) {
		List<String> settings = new ArrayList<>(List.of(LIMITS));
		settings.add("spring.data.redis.url=" + redis.server().url());
		settings.addAll(List.of(extra));
		return TestApp.run(Map.of(), settings.toArray(String[]::new));
	}

	@Test
	void limitsComeFromPropertiesInBothFormsAndFromBeans() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class, CodeLimits.class)
			.web(WebApplicationType.NONE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of()))
			.run(args(LIMITS, "--spring.data.redis.url=" + redis.server().url()))) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(limiter.getClass().getSimpleName()).isEqualTo("FailoverRateLimiter");
			assertThat(limiter.limits().get("compact").bands()).containsExactly(Band.parse("3/10s"));
			assertThat(limiter.limits().get("objects").bands()).containsExactly(Band.parse("2/10s"),
					Band.parse("5/1h"));
			assertThat(limiter.limits().get("closed").outagePolicy()).isEqualTo(OutagePolicy.FAIL_CLOSED);
			assertThat(limiter.limits().get("uploads").bands()).containsExactly(Band.perMinute(4));
			Decision decision = limiter.tryAcquire("uploads", "alice");
			assertThat(decision.source()).isEqualTo(Decision.Source.REDIS);
			assertThat(decision.remaining()).isEqualTo(3);
			assertThat(redis.server().command("EXISTS", "rl:{uploads:alice}")).isEqualTo(1L);
		}
	}

	@Test
	void twoAppsOnOneRedisShareOneBudgetExactly() throws Exception {
		try (ConfigurableApplicationContext first = run(); ConfigurableApplicationContext second = run()) {
			RateLimiter a = first.getBean(RateLimiter.class);
			RateLimiter b = second.getBean(RateLimiter.class);
			int allowed = Concurrently.countSuccesses(8, 40,
					(thread) -> ((thread % 2 == 0) ? a : b).tryAcquire("shared", "api-key-1").allowed());
			assertThat(allowed).isEqualTo(100);
		}
	}

	@Test
	void duringAnOutageEachLimitFollowsItsPolicyAndSaysSoOnce(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run()) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			BackendState state = context.getBean(BackendState.class);
			assertThat(limiter.tryAcquire("compact", "k").source()).isEqualTo(Decision.Source.REDIS);

			redis.server().kill();
			// The first check after the kill trips the switch itself, and is answered by
			// its policy, not an exception.
			Decision first = limiter.tryAcquire("compact", "k");
			assertThat(first.source()).isIn(Decision.Source.FALLBACK);
			await().atMost(Duration.ofSeconds(5)).until(() -> state.mode() == BackendMode.MEMORY);
			// fallback: the same limit, counted in memory from a fresh budget.
			int allowed = first.allowed() ? 1 : 0;
			for (int i = 0; i < 5; i++) {
				Decision d = limiter.tryAcquire("compact", "k");
				assertThat(d.source()).isEqualTo(Decision.Source.FALLBACK);
				allowed += d.allowed() ? 1 : 0;
			}
			assertThat(allowed).isEqualTo(3);
			Decision async = limiter.tryAcquireAsync("objects", "k").toCompletableFuture().join();
			assertThat(async.source()).isEqualTo(Decision.Source.FALLBACK);
			assertThat(async.allowed()).isTrue();
			for (int i = 0; i < 5; i++) {
				Decision open = limiter.tryAcquire("open", "k");
				assertThat(open.allowed()).isTrue();
				assertThat(open.source()).isEqualTo(Decision.Source.FAIL_OPEN);
				Decision closed = limiter.tryAcquire("closed", "k");
				assertThat(closed.allowed()).isFalse();
				assertThat(closed.source()).isEqualTo(Decision.Source.FAIL_CLOSED);
				assertThat(closed.retryAfter()).isEqualTo(Duration.ofSeconds(1));
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, RateLimitMetrics.FALLBACKS, "limit", "open", "policy", "fail-open")).isEqualTo(5);
			assertThat(count(meters, RateLimitMetrics.FALLBACKS, "limit", "closed", "policy", "fail-closed"))
				.isEqualTo(5);
			assertThat(count(meters, RateLimitMetrics.FALLBACKS, "limit", "compact", "policy", "fallback"))
				.isEqualTo(6);
			assertThat(count(meters, RateLimitMetrics.FALLBACKS, "limit", "objects", "policy", "fallback"))
				.isEqualTo(1);

			redis.server().start();
			await().atMost(Duration.ofSeconds(5)).until(() -> state.mode() == BackendMode.REDIS);
			Decision back = limiter.tryAcquire("compact", "k");
			assertThat(back.source()).isEqualTo(Decision.Source.REDIS);
			assertThat(limiter.tryAcquireAsync("compact", "k").toCompletableFuture().join().source())
				.isEqualTo(Decision.Source.REDIS);
		}
		// One line per switch, saying what every limit does meanwhile.
		List<String> outage = output.getAll()
			.lines()
			.filter((l) -> l.contains("switched to the in-memory twins"))
			.toList();
		assertThat(outage).singleElement()
			.asString()
			.contains("counted in memory, per instance (fallback) for [compact, objects, shared]")
			.contains("every request allowed (fail-open) for [open]")
			.contains("every request denied (fail-closed) for [closed]");
		assertThat(output.getAll().lines().filter((l) -> l.contains("switched back from the in-memory twins")))
			.hasSize(1);
		assertThat(Logs.starterLines(output, "ERROR")).hasSize(1);
	}

	@Test
	void metricsCountDecisionsByLimitAndSourceNeverByKey() {
		try (ConfigurableApplicationContext context = run()) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			for (int i = 0; i < 5; i++) {
				limiter.tryAcquire("compact", "user-" + (i % 2));
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, RateLimitMetrics.DECISIONS, "limit", "compact", "result", "allowed", "source",
					"redis"))
				.isEqualTo(5);
			limiter.tryAcquire("compact", "user-0");
			limiter.tryAcquire("compact", "user-0");
			assertThat(count(meters, RateLimitMetrics.DECISIONS, "limit", "compact", "result", "denied", "source",
					"redis"))
				.isEqualTo(1);
			assertThat(count(meters, RateLimitMetrics.DECISIONS, "limit", "compact", "result", "denied", "source",
					"deny-cache"))
				.isEqualTo(1);
			assertThat(meters.get(RateLimitMetrics.CHECK).tag("limit", "compact").timer().count()).isEqualTo(7);
			assertThat(meters.getMeters())
				.allSatisfy((meter) -> assertThat(meter.getId().getTags().toString()).doesNotContain("user-0"));
			assertThat(count(meters, RateLimitMetrics.ERRORS, "limit", "compact")).isZero();
		}
	}

	@Test
	void withoutRedisTheInMemoryLimiterIsTheLimiterAndNoPolicyApplies() {
		try (ConfigurableApplicationContext context = TestApp.run(LIMITS)) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(limiter.tryAcquire("closed", "k").source()).isEqualTo(Decision.Source.MEMORY);
			assertThat(limiter.tryAcquire("closed", "k").allowed()).isTrue();
			assertThat(limiter.tryAcquire("closed", "k").allowed()).isFalse();
		}
	}

	@Test
	void clientTimeServesARedisThatForbidsTimeInScripts() {
		try (RedisServerHandle noTime = RedisServerHandle.withArguments("--rename-command", "TIME",
				"time-is-forbidden")) {
			String url = "spring.data.redis.url=" + noTime.server().url();
			try (ConfigurableApplicationContext context = TestApp.run(Map.of(), LIMITS[0], url)) {
				assertThatThrownBy(() -> context.getBean(RateLimiter.class).tryAcquire("compact", "k"))
					.hasMessageContaining("Unknown Redis command");
			}
			try (ConfigurableApplicationContext context = TestApp.run(Map.of(), LIMITS[0], url,
					"redis-starter.rate-limit.time-source=client")) {
				Decision decision = context.getBean(RateLimiter.class).tryAcquire("compact", "k");
				assertThat(decision.source()).isEqualTo(Decision.Source.REDIS);
				assertThat(decision.remaining()).isEqualTo(2);
			}
		}
	}

	@Test
	void badDefinitionsStopStartupNamingTheProperty(CapturedOutput output) {
		assertThatThrownBy(() -> TestApp.run("redis-starter.rate-limit.limits.api.bands=10/0s"))
			.hasStackTraceContaining("redis-starter.rate-limit.limits.api.bands");
		assertThat(output.getAll()).contains("'10/0s' is not a rate-limit band").contains("10/1s");
		assertThatThrownBy(() -> TestApp.run("redis-starter.rate-limit.limits.api.bands=ten per second"))
			.hasStackTraceContaining("is not a rate-limit band");
		assertThatThrownBy(() -> TestApp.run("redis-starter.rate-limit.limits.api.outage-policy=fail-open"))
			.hasRootCauseInstanceOf(InvalidRedisSettingException.class)
			.hasMessageContaining("redis-starter.rate-limit.limits.api")
			.hasMessageContaining("at least one band");
		assertThatThrownBy(() -> TestApp.run("redis-starter.rate-limit.limits[a:b].bands=1/1s"))
			.hasRootCauseInstanceOf(InvalidRedisSettingException.class)
			.hasMessageContaining("letters, digits");
		assertThatThrownBy(() -> TestApp.run("redis-starter.rate-limit.limits.api.bands=1/1s",
				"redis-starter.rate-limit.limits.api.outage-policy=sometimes"))
			.hasStackTraceContaining("redis-starter.rate-limit.limits.api.outage-policy");
		assertThatThrownBy(() -> TestApp.run("redis-starter.rate-limit.key-prefix=a{b"))
			.hasStackTraceContaining("redis-starter.rate-limit.key-prefix must be non-empty text without '{'");
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("The Redis setting redis-starter.rate-limit.limits.api is invalid");
	}

	@Test
	void inRedisModeAFailedCheckReachesTheCallerAndIsCounted() {
		try (ConfigurableApplicationContext context = run("redis-starter.mode=redis")) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(limiter.tryAcquire("compact", "k").source()).isEqualTo(Decision.Source.REDIS);
			redis.server().kill();
			assertThatThrownBy(() -> limiter.tryAcquire("compact", "k")).isInstanceOf(RuntimeException.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, RateLimitMetrics.ERRORS, "limit", "compact")).isEqualTo(1);
			assertThat(count(meters, RateLimitMetrics.FALLBACKS, "limit", "compact", "policy", "fallback")).isZero();
		}
	}

	@Test
	void theLimiterCanBeTurnedOff() {
		try (ConfigurableApplicationContext context = TestApp.run("redis-starter.rate-limit.enabled=false")) {
			assertThat(context.getBeanNamesForType(RateLimiter.class)).isEmpty();
		}
	}

	@Test
	void anAppsOwnLimiterReplacesTheStartersAndTheMvcIntegrationUsesIt() {
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
					org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration.class,
					RedisStarterAutoConfiguration.class, RateLimiterAutoConfiguration.class,
					RateLimitWebAutoConfiguration.class))
			.withPropertyValues("redis-starter.mode=memory")
			.withBean(RateLimiter.class,
					() -> io.github.redisstarter.ratelimit.RateLimiters.inMemory(
							io.github.redisstarter.ratelimit.RateLimits.of(RateLimit.of("own", Band.perSecond(1)))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RateLimiter.class).limits().get("own").name()).isEqualTo("own");
				assertThat(context).hasSingleBean(io.github.redisstarter.ratelimit.web.RateLimitInterceptor.class);
			});
	}

	@Test
	void withoutSpringMvcTheLimiterStillWorks() {
		new org.springframework.boot.test.context.runner.ApplicationContextRunner()
			.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
					org.springframework.web.servlet.config.annotation.WebMvcConfigurer.class))
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
					org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration.class,
					RedisStarterAutoConfiguration.class, RateLimiterAutoConfiguration.class,
					RateLimitWebAutoConfiguration.class))
			.withPropertyValues("redis-starter.mode=memory", LIMITS[0])
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(io.github.redisstarter.ratelimit.web.RateLimitInterceptor.class);
				assertThat(context.getBean(RateLimiter.class).tryAcquire("compact", "k").allowed()).isTrue();
			});
	}

	private static double count(MeterRegistry meters, String name, String... tags) {
		return meters.get(name).tags(tags).counter().count();
	}

	private static String[] args(String[] settings, String... more) {
		List<String> args = new ArrayList<>();
		for (String setting : settings) {
			args.add("--" + setting);
		}
		args.addAll(List.of(more));
		args.add("--spring.main.banner-mode=off");
		return args.toArray(String[]::new);
	}

	@SpringBootConfiguration
	static class CodeLimits {

		@Bean
		RateLimit uploads() {
			return RateLimit.of("uploads", Band.perMinute(4));
		}

	}

	/** A second, differently configured redis-server for one test. */
	record RedisServerHandle(io.github.redisstarter.test.RedisServer server) implements AutoCloseable {

		static RedisServerHandle withArguments(String... arguments) {
			io.github.redisstarter.test.RedisServer server = io.github.redisstarter.test.RedisServer
				.create(io.github.redisstarter.test.RedisServer.config().arguments(arguments));
			server.start();
			return new RedisServerHandle(server);
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

}
