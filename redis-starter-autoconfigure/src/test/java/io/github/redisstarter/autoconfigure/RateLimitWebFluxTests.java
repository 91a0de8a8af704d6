package io.github.redisstarter.autoconfigure;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.ratelimit.web.RateLimited;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The twins of {@link RateLimitWebTests} on a real Reactor Netty server: annotated
 * controllers and path rules on functional routes, keys, headers, the 429 and startup
 * checks. Two servers for the whole class (default settings, and legacy headers with
 * forwarded headers trusted); each test uses limits or keys of its own, as the deny cache
 * outlives a flush of Redis.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitWebFluxTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	static final String[] LIMITS = { "redis-starter.rate-limit.limits.ping.bands=5/10s",
			"redis-starter.rate-limit.limits.ip.bands=5/10s", "redis-starter.rate-limit.limits.pair.bands=3/1s,100/1h",
			"redis-starter.rate-limit.limits.rule.bands=2/10s", "redis-starter.rate-limit.limits.closed.bands=2/10s",
			"redis-starter.rate-limit.limits.closed.outage-policy=fail-closed",
			"redis-starter.rate-limit.web.rules[0].paths=/rule/**", "redis-starter.rate-limit.web.rules[0].methods=GET",
			"redis-starter.rate-limit.web.rules[0].limit=rule",
			"redis-starter.rate-limit.web.rules[0].key=header('X-Api-Key')",
			"redis-starter.rate-limit.web.rules[1].paths=/fail", "redis-starter.rate-limit.web.rules[1].limit=rule",
			"redis-starter.rate-limit.web.rules[1].key='all'",
			"redis-starter.rate-limit.web.rules[2].paths=/items/{id}",
			"redis-starter.rate-limit.web.rules[2].limit=rule",
			"redis-starter.rate-limit.web.rules[2].key=pathVariable('id')" };

	static Server plain;

	static Server trusting;

	static String startupLog;

	@BeforeAll
	static void start(CapturedOutput output) {
		plain = Server.start();
		trusting = Server.start("redis-starter.rate-limit.web.legacy-headers=true",
				"server.forward-headers-strategy=native", "spring.jackson.serialization.indent-output=true");
		startupLog = output.getAll();
	}

	@AfterAll
	static void stop() {
		for (Server server : new Server[] { plain, trusting }) {
			if (server != null) {
				server.close();
			}
		}
	}

	@Test
	void anAnnotatedHandlerGetsHeadersThenA429WithRetryAfterAndAProblemBody() {
		for (int i = 1; i <= 5; i++) {
			LimitedResponse ok = plain.get("/ping")
				.assertAllowed("\"ping\";q=5;w=10",
						"\"ping\";r=" + (5 - i) + ";t=(" + (2 * i - 1) + "|" + (2 * i) + ")");
			assertThat(ok.header("X-RateLimit-Limit")).isEmpty();
		}
		plain.get("/ping").assertDenied("ping", "/ping", "\"ping\";r=0;t=(9|10)", "1", "2");
		assertThat(plain.context().getBean(LimitedController.class).pings).hasValue(5);
	}

	@Test
	void theProblemBodyIsWrittenByTheAppsJsonMapper() {
		LimitedResponse denied = null;
		for (int i = 0; i < 10; i++) {
			denied = trusting.get("/ping");
			if (denied.status() == 429) {
				break;
			}
		}
		assertThat(denied.status()).isEqualTo(429);
		assertThat(denied.body()).contains("\n")
			.contains("\"limit\" : \"ping\"")
			.contains("\"status\" : 429")
			.doesNotContain("\"properties\"");
	}

	@Test
	void pathRulesLimitAFunctionalRouteByTheirKeyAndLeaveOtherRequestsAlone() {
		assertThat(statuses(plain, "/rule/1", "X-Api-Key", "a", 3)).containsExactly(200, 200, 429);
		assertThat(statuses(plain, "/rule/2", "X-Api-Key", "b", 2)).containsExactly(200, 200);
		LimitedResponse anonymous = plain.get("/rule/1");
		assertThat(anonymous.status()).isEqualTo(200);
		assertThat(anonymous.header("RateLimit")).isEmpty();
		assertThat(plain.client()
			.post()
			.uri("/rule/1")
			.header("X-Api-Key", "a")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).isEqualTo(200);
		LimitedResponse denied = LimitedResponse.of(plain.client()
			.get()
			.uri("/rule/1")
			.header("X-Api-Key", "a")
			.exchange()
			.expectBody(String.class)
			.returnResult());
		denied.assertDenied("rule", "/rule/1", "\"rule\";r=0;t=(9|10)", "4", "5");
	}

	@Test
	void aRuleKeyedByAPathVariableOfAFunctionalRoute() {
		assertThat(statuses(plain, "/items/7", "X-Ignored", "x", 3)).containsExactly(200, 200, 429);
		assertThat(statuses(plain, "/items/8", "X-Ignored", "x", 1)).containsExactly(200);
	}

	@Test
	void severalLimitsOnOneHandlerAreAllCheckedAndAllAdvertised() {
		LimitedResponse ok = plain.get("/two");
		assertThat(ok.header("RateLimit-Policy"))
			.hasValue("\"pair:3/1s\";q=3;w=1, \"pair:100/1h\";q=100;w=3600, \"ping\";q=5;w=10");
		assertThat(ok.header("RateLimit")).hasValue("\"pair:3/1s\";r=2;t=1, \"ping\";r=4;t=2");
		assertThat(statuses(plain, "/two", "X-Ignored", "x", 3)).containsExactly(200, 200, 429);
	}

	@Test
	void legacyHeadersOnRequest() {
		LimitedResponse ok = trusting.get("/ip", "X-Forwarded-For", "192.0.2.50");
		assertThat(ok.header("X-RateLimit-Limit")).hasValue("5");
		assertThat(ok.header("X-RateLimit-Remaining")).hasValue("4");
		assertThat(ok.header("X-RateLimit-Reset")).hasValue("2");
	}

	@Test
	void xForwardedForCountsOnlyWhenTheAppTrustsItsProxies() {
		assertThat(statuses(plain, "/ip", "X-Forwarded-For", "203.0.113.1", 5)).containsOnly(200);
		assertThat(statuses(plain, "/ip", "X-Forwarded-For", "203.0.113.2", 1)).containsExactly(429);
		assertThat(statuses(trusting, "/ip", "X-Forwarded-For", "203.0.113.1", 6)).containsExactly(200, 200, 200, 200,
				200, 429);
		assertThat(statuses(trusting, "/ip", "X-Forwarded-For", "203.0.113.2", 1)).containsExactly(200);
	}

	@Test
	void anIpv6ClientStandsForItsSlash64() {
		assertThat(statuses(trusting, "/ip", "X-Forwarded-For", "2001:db8:1:2::1", 5)).containsOnly(200);
		assertThat(statuses(trusting, "/ip", "X-Forwarded-For", "2001:db8:1:2:ffff:ffff:ffff:fffe", 1))
			.containsExactly(429);
		assertThat(statuses(trusting, "/ip", "X-Forwarded-For", "2001:db8:1:3::1", 1)).containsExactly(200);
	}

	@Test
	void limitsKeyedByClientIpWarnThatWebFluxTrustsTheLeftMostForwardedAddress() {
		assertThat(startupLog).containsOnlyOnce(
				"Rate limits keyed by clientIp trust X-Forwarded-For with server.forward-headers-strategy=native");
		// What it warns of: each made-up address in front is a fresh budget.
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			statuses.add(trusting.get("/ip", "X-Forwarded-For", "198.51.100." + i + ", 203.0.113.9").status());
		}
		assertThat(statuses).containsOnly(200);
	}

	@Test
	void thePrincipalCanBeTheKey() {
		assertThat(statuses(plain, "/me", "X-Test-User", "alice", 6)).endsWith(429);
		assertThat(statuses(plain, "/me", "X-Test-User", "bob", 1)).containsExactly(200);
		assertThat(plain.get("/me").status()).isEqualTo(200);
	}

	@Test
	void afterAnAnswerFromRedisTheHandlerRunsOnReactorsParallelSchedulerNotOnLettucesThread() {
		LimitedResponse response = plain.get("/where");
		assertThat(response.header("RateLimit")).isPresent();
		// Reactor's parallel threads when Redis answered later (as it does here), the
		// event
		// loop when the answer was there at once; never Lettuce's own I/O thread.
		assertThat(response.body()).matches("parallel-.*|reactor-http-.*");
	}

	@Test
	void aFailingHandlerIsCountedOnce() {
		assertThat(plain.get("/fail").status()).isEqualTo(500);
		// A 10 s band (one permit back every 5 s), so that a slow machine does not refill
		// it
		// before the peek.
		assertThat(plain.context().getBean(RateLimiter.class).peek("rule", "all").remaining()).isEqualTo(1);
	}

	@Test
	void keysFromPathVariablesAndBeans() {
		assertThat(statuses(plain, "/orders/1", "X-Ignored", "x", 3)).containsExactly(200, 200, 429);
		assertThat(statuses(plain, "/orders/2", "X-Ignored", "x", 1)).containsExactly(200);
		assertThat(statuses(plain, "/tenant", "X-Tenant", "acme", 3)).containsExactly(200, 200, 429);
		assertThat(statuses(plain, "/tenant", "X-Tenant", "globex", 1)).containsExactly(200);
	}

	@Test
	void anAnnotationOnAFunctionalRouteHandlerIsReportedAsLimitingNothing() {
		assertThat(startupLog).contains("@RateLimited on [Handlers#annotated] limits nothing: they are not handler"
				+ " methods of an annotated controller");
		assertThat(statuses(plain, "/fn", "X-Ignored", "x", 4)).containsOnly(200);
	}

	@Test
	void aHandlerNamingAnUnknownLimitStopsStartup(CapturedOutput output) {
		assertThatThrownBy(() -> Server.start(BadController.class))
			.hasStackTraceContaining("@RateLimited(limit = \"pnig\", key = \"clientIp\") on")
			.hasStackTraceContaining("BadController#typo")
			.hasStackTraceContaining("'limit' names no defined rate limit: 'pnig'");
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("Name a limit defined under redis-starter.rate-limit.limits.<name>.bands");
	}

	@Test
	@org.junit.jupiter.api.Order(Integer.MAX_VALUE)
	void aFailClosedLimitDeniesWhileRedisIsAwayAndSaysWhy() {
		assertThat(plain.get("/closed").status()).isEqualTo(200);
		redis.server().kill();
		LimitedResponse denied = plain.get("/closed");
		assertThat(denied.status()).isEqualTo(429);
		assertThat(denied.header("Retry-After")).hasValue("1");
		assertThat(denied.body()).contains("cannot be checked while Redis is away and fails closed");
		assertThat(plain.get("/ping", "X-Ignored", "x").status()).isIn(200, 429);
		assertThat(plain.get("/orders/99").status()).isEqualTo(200);
	}

	private static List<Integer> statuses(Server server, String path, String header, String value, int times) {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			statuses.add(server.get(path, header, value).status());
		}
		return statuses;
	}

	record Server(ConfigurableApplicationContext context, WebTestClient client) implements AutoCloseable {

		static Server start(String... settings) {
			return start(null, settings);
		}

		static Server start(Class<?> extraController, String... settings) {
			List<String> all = new ArrayList<>(List.of(LIMITS));
			all.addAll(List.of(settings));
			all.add("server.port=0");
			all.add("server.address=127.0.0.1");
			all.add("spring.data.redis.url=" + redis.server().url());
			Class<?>[] configurations = (extraController != null)
					? new Class<?>[] { ReactiveWebConfig.class, extraController }
					: new Class<?>[] { ReactiveWebConfig.class };
			ConfigurableApplicationContext context = TestApp.runWith(WebApplicationType.REACTIVE, configurations,
					Map.of(), all.toArray(String[]::new));
			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			WebTestClient client = WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + port)
				.responseTimeout(Duration.ofSeconds(10))
				.build();
			return new Server(context, client);
		}

		LimitedResponse get(String path) {
			return LimitedResponse.of(this.client.get().uri(path).exchange().expectBody(String.class).returnResult());
		}

		LimitedResponse get(String path, String header, String value) {
			return LimitedResponse.of(this.client.get()
				.uri(path)
				.header(header, value)
				.exchange()
				.expectBody(String.class)
				.returnResult());
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

	@SpringBootConfiguration
	static class ReactiveWebConfig {

		@Bean
		LimitedController limitedController() {
			return new LimitedController();
		}

		@Bean
		Tenants tenants() {
			return new Tenants();
		}

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		RouterFunction<ServerResponse> routes(Handlers handlers) {
			return RouterFunctions.route()
				.GET("/rule/{id}", (request) -> ServerResponse.ok().bodyValue(request.pathVariable("id")))
				.POST("/rule/{id}", (request) -> ServerResponse.ok().bodyValue(request.pathVariable("id")))
				.GET("/items/{id}", (request) -> ServerResponse.ok().bodyValue(request.pathVariable("id")))
				.GET("/fn", handlers::annotated)
				.build();
		}

		/**
		 * Signs a request in as the user named by X-Test-User, the way a security filter
		 * would.
		 */
		@Bean
		@Order(-100)
		WebFilter testUserFilter() {
			return (exchange, chain) -> {
				String user = exchange.getRequest().getHeaders().getFirst("X-Test-User");
				if (user == null) {
					return chain.filter(exchange);
				}
				Principal principal = () -> user;
				return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
			};
		}

	}

	@RestController
	static class LimitedController {

		final AtomicInteger pings = new AtomicInteger();

		@RateLimited(limit = "ping")
		@GetMapping("/ping")
		Mono<String> ping() {
			return Mono.fromSupplier(() -> {
				this.pings.incrementAndGet();
				return "pong";
			});
		}

		@RateLimited(limit = "ip")
		@GetMapping("/ip")
		Mono<String> ip() {
			return Mono.just("ip");
		}

		@RateLimited(limit = "pair")
		@RateLimited(limit = "ping", key = "'everyone'")
		@GetMapping("/two")
		Mono<String> two() {
			return Mono.just("two");
		}

		@RateLimited(limit = "rule", key = "pathVariable('id')")
		@GetMapping("/orders/{id}")
		Mono<String> order(@PathVariable String id) {
			return Mono.just(id);
		}

		@RateLimited(limit = "rule", key = "@tenants.of(request)")
		@GetMapping("/tenant")
		Mono<String> tenant() {
			return Mono.just("tenant");
		}

		@RateLimited(limit = "rule", key = "'where'")
		@GetMapping("/where")
		Mono<String> where() {
			return Mono.just(Thread.currentThread().getName());
		}

		@GetMapping("/fail")
		Mono<String> fail() {
			return Mono.error(new IllegalStateException("this handler always fails"));
		}

		@RateLimited(limit = "closed")
		@GetMapping("/closed")
		Mono<String> closed() {
			return Mono.just("closed");
		}

		@RateLimited(limit = "ping", key = "principal")
		@GetMapping("/me")
		Mono<String> me() {
			return Mono.just("me");
		}

	}

	/** The handler functions of a functional route: annotations there limit nothing. */
	static class Handlers {

		@RateLimited(limit = "rule")
		Mono<ServerResponse> annotated(ServerRequest request) {
			return ServerResponse.ok().bodyValue("fn");
		}

	}

	/** A key resolver bean, the way an app would write one. */
	static class Tenants {

		public String of(ServerHttpRequest request) {
			return request.getHeaders().getFirst("X-Tenant");
		}

	}

	@RestController
	static class BadController {

		@RateLimited(limit = "pnig")
		@GetMapping("/typo")
		Mono<String> typo() {
			return Mono.just("typo");
		}

	}

}
