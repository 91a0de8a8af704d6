package io.github.redisstarter.autoconfigure;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.reactive.ReactiveAdapters;
import io.github.redisstarter.ratelimit.web.RateLimited;
import io.github.redisstarter.test.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * BlockHound on a real Reactor Netty server backed by a real Redis: a request through the
 * rate-limit filter (on Redis, and denied), a reactive cache read (miss and near hit) and
 * a broadcast {@code Flux} make no blocking call on any non-blocking thread (Netty's
 * event loops, the server's and Lettuce's, and Reactor's parallel scheduler); and a
 * handler that does block is caught, so the check is live.
 *
 * <p>
 * BlockHound changes JDK classes for good, so this class runs in a JVM of its own (the
 * {@code blockhound} Surefire execution), which JDK 17 must start with
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods}; in any other JVM it is skipped.
 */
class NoBlockingOnEventLoopTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	/** Every blocking call BlockHound saw on a non-blocking thread: thread and method. */
	static final List<String> blocked = new CopyOnWriteArrayList<>();

	static ConfigurableApplicationContext app;

	static WebTestClient client;

	@BeforeAll
	static void start() {
		assumeTrue(
				ManagementFactory.getRuntimeMXBean()
					.getInputArguments()
					.contains("-XX:+AllowRedefinitionToAddDeleteMethods"),
				"runs in the blockhound execution's own JVM");
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.data.redis.url=" + redis.server().url(), "--spring.main.banner-mode=off",
				"--redis-starter.rate-limit.limits.ping.bands=3/10s",
				"--redis-starter.rate-limit.limits.burst.bands=10/10s"));
		app = new SpringApplicationBuilder(TestApp.class, App.class).web(WebApplicationType.REACTIVE)
			.environment(new TestApp.EnvironmentWithVariables(Map.of()))
			.run(args.toArray(String[]::new));
		// Installed once the app runs (its start is not under test): the blocking methods
		// BlockHound watches are the JDK's, which it redefines wherever they are.
		// Each Redis call's deadline is a task of a ScheduledThreadPoolExecutor (see
		// RedisCalls): scheduling it and cancelling it take that queue's lock for a
		// moment.
		// Reactor's own integration allows the same lock for its schedulers (offer, take,
		// and the cancel of its tasks); the cancel of a deadline is allowed here alike.
		BlockHound.builder()
			.loadIntegrations()
			.allowBlockingCallsInside(ScheduledThreadPoolExecutor.class.getName() + "$DelayedWorkQueue", "remove")
			.blockingMethodCallback((method) -> {
				// Where it came from, for the failure message.
				String where = StackWalker.getInstance()
					.walk((frames) -> frames.skip(2)
						.limit(40)
						.map((frame) -> "\n\tat " + frame)
						.collect(java.util.stream.Collectors.joining()));
				blocked.add(Thread.currentThread().getName() + ": " + method + where);
				System.err.println("BLOCKED " + Thread.currentThread().getName() + ": " + method + where);
				throw new BlockingOperationError(method);
			})
			.install();
		client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void limitedRequestsCacheReadsAndBroadcastsNeverBlockAnEventLoop() {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			statuses.add(client.get().uri("/ping").exchange().returnResult(String.class).getStatus().value());
		}
		assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
		// Concurrent checks, each on a key of its own (a Redis round trip each), contend
		// for
		// the deadline timer as a busy app's do.
		String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
		List<Integer> burst = Flux.range(0, 60)
			.flatMap((i) -> WebClient.create(base)
				.get()
				.uri("/burst")
				.header("X-Key", "k" + i)
				.exchangeToMono((response) -> Mono.just(response.statusCode().value())), 30)
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(burst).hasSize(60).containsOnly(200);
		client.get().uri("/roles/1").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("role-1");
		client.get().uri("/roles/1").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("role-1");
		// The stream's headers go with its first message: a WebClient, which does not
		// wait
		// for them.
		Flux<String> news = WebClient
			.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"))
			.get()
			.uri("/news")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(String.class);
		Mono<List<String>> first = news.take(2).collectList().cache();
		first.subscribe();
		Broadcaster broadcaster = app.getBean(Broadcaster.class);
		Mono.delay(Duration.ofMillis(300))
			.repeat(20)
			.takeUntilOther(first)
			.doOnNext((tick) -> broadcaster.publish("news", "hello"))
			.blockLast(Duration.ofSeconds(10));
		assertThat(first.block(Duration.ofSeconds(10))).containsExactly("hello", "hello");
		// The client went away: the server cancels the stream, which unsubscribes Redis.
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> String.valueOf(redis.server().command("PUBSUB", "NUMSUB", "news")).endsWith(", 0]"));
		assertThat(blocked).isEmpty();
	}

	@Test
	void aBlockingCallOnTheEventLoopIsCaught() {
		client.get().uri("/sleepy").exchange().expectStatus().is5xxServerError();
		assertThat(blocked).anySatisfy((call) -> assertThat(call).startsWith("reactor-http-").contains("sleep"));
		blocked.clear();
	}

	@SpringBootConfiguration
	static class App {

		@Bean
		Controller controller() {
			return new Controller();
		}

		@Bean
		TwoLevelCache<String> roles(TwoLevelCacheFactory caches) {
			return caches.create("no-blocking-roles", String.class, (id) -> Optional.of("role-" + id));
		}

		@Bean
		RouterFunction<ServerResponse> routes(TwoLevelCache<String> roles, Broadcaster broadcaster) {
			return RouterFunctions.route()
				.GET("/roles/{id}",
						(request) -> ReactiveAdapters.get(roles, request.pathVariable("id"))
							.flatMap((role) -> ServerResponse.ok().bodyValue(role)))
				.GET("/news",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.TEXT_EVENT_STREAM)
							.body(ReactiveAdapters.messages(broadcaster, "news", String.class)
								.map(ReactiveAdapters.Message::payload), String.class))
				.GET("/sleepy", (request) -> Mono.fromCallable(() -> {
					Thread.sleep(1);
					return "slept";
				}).flatMap((slept) -> ServerResponse.ok().bodyValue(slept)))
				.build();
		}

	}

	@RestController
	static class Controller {

		@RateLimited(limit = "burst", key = "header('X-Key')")
		@GetMapping("/burst")
		Mono<String> burst() {
			return Mono.just("ok");
		}

		@RateLimited(limit = "ping")
		@GetMapping("/ping")
		Mono<String> ping() {
			return Mono.just("pong").publishOn(Schedulers.parallel());
		}

	}

}
