package io.github.redisstarter.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.ratelimit.web.RateLimited;
import io.github.redisstarter.test.RedisServerExtension;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rate limits on a real Tomcat: annotations, path rules, keys, headers, the 429 and
 * startup checks.
 */
@ExtendWith(OutputCaptureExtension.class)
class RateLimitWebTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final String[] LIMITS = { "redis-starter.rate-limit.limits.ping.bands=5/10s",
			"redis-starter.rate-limit.limits.pair.bands=3/1s,100/1h",
			"redis-starter.rate-limit.limits.rule.bands=2/10s", "redis-starter.rate-limit.limits.closed.bands=2/10s",
			"redis-starter.rate-limit.limits.closed.outage-policy=fail-closed",
			"redis-starter.rate-limit.web.rules[0].paths=/rule/**", "redis-starter.rate-limit.web.rules[0].methods=GET",
			"redis-starter.rate-limit.web.rules[0].limit=rule",
			"redis-starter.rate-limit.web.rules[0].key=header('X-Api-Key')" };

	@Test
	void theProblemBodyIsWrittenByTheAppsJsonMapper() throws Exception {
		try (Server server = Server.start("spring.jackson.serialization.indent-output=true")) {
			HttpResponse<String> denied = server.get("/ping");
			for (int i = 0; denied.statusCode() != 429 && i < 10; i++) {
				denied = server.get("/ping");
			}
			assertThat(denied.statusCode()).isEqualTo(429);
			// Indented as the app asked, with the problem's own properties beside the
			// standard ones.
			assertThat(denied.body()).contains("\n")
				.contains("\"limit\" : \"ping\"")
				.contains("\"status\" : 429")
				.doesNotContain("\"properties\"");
		}
	}

	@Test
	void anAnnotatedHandlerGetsHeadersThenA429WithRetryAfterAndAProblemBody() throws Exception {
		try (Server server = Server.start()) {
			for (int i = 1; i <= 5; i++) {
				// t: whole seconds until full, rounded up; a slow machine may have let a
				// second pass since the first.
				LimitedResponse ok = LimitedResponse.of(server.get("/ping"))
					.assertAllowed("\"ping\";q=5;w=10",
							"\"ping\";r=" + (5 - i) + ";t=(" + (2 * i - 1) + "|" + (2 * i) + ")");
				assertThat(ok.header("X-RateLimit-Limit")).isEmpty();
			}
			LimitedResponse.of(server.get("/ping")).assertDenied("ping", "/ping", "\"ping\";r=0;t=(9|10)", "1", "2");
			assertThat(server.controller().pings).hasValue(5);
		}
	}

	@Test
	void pathRulesLimitByTheirKeyAndLeaveOtherRequestsAlone() throws Exception {
		try (Server server = Server.start()) {
			assertThat(statuses(server, "/rule/1", "X-Api-Key", "a", 3)).containsExactly(200, 200, 429);
			assertThat(statuses(server, "/rule/2", "X-Api-Key", "b", 2)).containsExactly(200, 200);
			// No key: the rule does not apply. Another method: neither.
			HttpResponse<String> anonymous = server.get("/rule/1");
			assertThat(anonymous.statusCode()).isEqualTo(200);
			assertThat(anonymous.headers().firstValue("RateLimit")).isEmpty();
			HttpResponse<String> post = server.send(HttpRequest.newBuilder(server.uri("/rule/1"))
				.header("X-Api-Key", "a")
				.POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(post.statusCode()).isEqualTo(200);
		}
	}

	@Test
	void severalLimitsOnOneHandlerAreAllCheckedAndAllAdvertised() throws Exception {
		try (Server server = Server.start()) {
			HttpResponse<String> ok = server.get("/two");
			assertThat(ok.headers().firstValue("RateLimit-Policy"))
				.hasValue("\"pair:3/1s\";q=3;w=1, \"pair:100/1h\";q=100;w=3600, \"ping\";q=5;w=10");
			assertThat(ok.headers().firstValue("RateLimit")).hasValue("\"pair:3/1s\";r=2;t=1, \"ping\";r=4;t=2");
			assertThat(statuses(server, "/two", "X-Ignored", "x", 3)).containsExactly(200, 200, 429);
		}
	}

	@Test
	void legacyHeadersOnRequest() throws Exception {
		try (Server server = Server.start("redis-starter.rate-limit.web.legacy-headers=true")) {
			HttpResponse<String> ok = server.get("/ping");
			assertThat(ok.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
			assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
			assertThat(ok.headers().firstValue("X-RateLimit-Reset")).hasValue("2");
		}
	}

	@Test
	void xForwardedForCountsOnlyWhenTheAppTrustsItsProxies() throws Exception {
		try (Server server = Server.start()) {
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "203.0.113.1", 5)).containsOnly(200);
			// Ignored: the client is 127.0.0.1 whatever it claims, and its budget is
			// spent.
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "203.0.113.2", 1)).containsExactly(429);
		}
		redis.server().flushAll();
		try (Server server = Server.start("server.forward-headers-strategy=native")) {
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "203.0.113.1", 6)).containsExactly(200, 200, 200,
					200, 200, 429);
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "203.0.113.2", 1)).containsExactly(200);
		}
	}

	@Test
	void anIpv6ClientStandsForItsSlash64SoThatRotatingAddressesGetsNoFreshBudget() throws Exception {
		try (Server server = Server.start("server.forward-headers-strategy=native")) {
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "2001:db8:1:2::1", 5)).containsOnly(200);
			// Another address of the same /64: the same client, its budget spent.
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "2001:db8:1:2:ffff:ffff:ffff:fffe", 1))
				.containsExactly(429);
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "2001:db8:1:3::1", 1)).containsExactly(200);
		}
		redis.server().flushAll();
		try (Server server = Server.start("server.forward-headers-strategy=native",
				"redis-starter.rate-limit.web.client-ip.ipv6-prefix-length=128")) {
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "2001:db8:1:2::1", 5)).containsOnly(200);
			assertThat(statuses(server, "/ping", "X-Forwarded-For", "2001:db8:1:2::2", 1)).containsExactly(200);
		}
	}

	@Test
	void limitsKeyedByClientIpWarnWhenTheyTrustTheLeftMostForwardedAddress(CapturedOutput output) throws Exception {
		// A proxy appends the address it saw (203.0.113.9) to whatever the client sent.
		try (Server server = Server.start("server.forward-headers-strategy=native")) {
			assertThat(output).doesNotContain("server.forward-headers-strategy=framework");
			// native reads from the right: the client's made-up addresses do not change
			// its key.
			assertThat(spoofed(server, 6)).containsExactly(200, 200, 200, 200, 200, 429);
		}
		redis.server().flushAll();
		try (Server server = Server.start("server.forward-headers-strategy=framework")) {
			assertThat(output).containsOnlyOnce("Rate limits keyed by clientIp trust X-Forwarded-For with"
					+ " server.forward-headers-strategy=framework");
			// What it warns of: framework takes the left-most address, the client's own:
			// a fresh budget each time.
			assertThat(spoofed(server, 6)).containsOnly(200);
		}
	}

	@Test
	void aPrefixLengthOutsideAnIpv6AddressStopsStartup(CapturedOutput output) {
		assertThatThrownBy(() -> Server.start("redis-starter.rate-limit.web.client-ip.ipv6-prefix-length=0"))
			.hasStackTraceContaining("redis-starter.rate-limit.web.client-ip.ipv6-prefix-length");
	}

	@Test
	void thePrincipalCanBeTheKey() throws Exception {
		try (Server server = Server.start()) {
			assertThat(statuses(server, "/me", "X-Test-User", "alice", 6)).endsWith(429);
			assertThat(statuses(server, "/me", "X-Test-User", "bob", 1)).containsExactly(200);
			assertThat(server.get("/me").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aRequestThatEndsOnTheErrorPageIsCountedOnce() throws Exception {
		try (Server server = Server.start("redis-starter.rate-limit.web.rules[1].paths=/**",
				"redis-starter.rate-limit.web.rules[1].limit=pair",
				"redis-starter.rate-limit.web.rules[1].key='all'")) {
			HttpResponse<String> failed = server.get("/fail");
			assertThat(failed.statusCode()).isEqualTo(500);
			// The /error dispatch matches /** too, but only the request itself took a
			// permit.
			assertThat(server.context()
				.getBean(io.github.redisstarter.ratelimit.RateLimiter.class)
				.peek("pair", "all")
				.remaining()).isEqualTo(2);
		}
	}

	@Test
	void keysFromPathVariablesAndBeans() throws Exception {
		try (Server server = Server.start()) {
			assertThat(statuses(server, "/orders/1", "X-Ignored", "x", 3)).containsExactly(200, 200, 429);
			assertThat(statuses(server, "/orders/2", "X-Ignored", "x", 1)).containsExactly(200);
			assertThat(statuses(server, "/tenant", "X-Tenant", "acme", 3)).containsExactly(200, 200, 429);
			assertThat(statuses(server, "/tenant", "X-Tenant", "globex", 1)).containsExactly(200);
		}
	}

	@Test
	void aFailClosedLimitDeniesWhileRedisIsAwayAndSaysWhy() throws Exception {
		try (Server server = Server.start()) {
			assertThat(server.get("/closed").statusCode()).isEqualTo(200);
			redis.server().kill();
			HttpResponse<String> denied = server.get("/closed");
			assertThat(denied.statusCode()).isEqualTo(429);
			assertThat(denied.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(denied.body()).contains("cannot be checked while Redis is away and fails closed");
			// The fallback limit on the same server keeps counting in memory.
			assertThat(server.get("/ping").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aHandlerNamingAnUnknownLimitStopsStartup(CapturedOutput output) {
		assertThatThrownBy(() -> Server.start(BadController.class))
			.hasStackTraceContaining("@RateLimited(limit = \"pnig\", key = \"clientIp\") on")
			.hasStackTraceContaining("BadController#typo")
			.hasStackTraceContaining("'limit' names no defined rate limit: 'pnig'");
		// Boot's failure analysis, not a stack trace: what is wrong, and the fix in
		// words.
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("'limit' names no defined rate limit: 'pnig'")
			.contains("Name a limit defined under redis-starter.rate-limit.limits.<name>.bands");
		assertThatThrownBy(() -> Server.start(BadKeyController.class)).hasStackTraceContaining("is not valid SpEL");
	}

	@Test
	void aRuleNamingAnUnknownLimitStopsStartup(CapturedOutput output) {
		assertThatThrownBy(() -> Server.start("redis-starter.rate-limit.web.rules[1].paths=/x",
				"redis-starter.rate-limit.web.rules[1].limit=nope"))
			.hasRootCauseInstanceOf(InvalidRedisSettingException.class);
		assertThat(output.getAll()).contains("The Redis setting redis-starter.rate-limit.web.rules[1].limit is invalid")
			.contains("[closed, pair, ping, rule]");
	}

	private static List<Integer> statuses(Server server, String path, String header, String value, int times)
			throws Exception {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			statuses
				.add(server.send(HttpRequest.newBuilder(server.uri(path)).header(header, value).GET()).statusCode());
		}
		return statuses;
	}

	/**
	 * Requests of one client behind an appending proxy, each with a made-up address of
	 * its own in front.
	 */
	private static List<Integer> spoofed(Server server, int times) throws Exception {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			statuses.add(
					server
						.send(HttpRequest.newBuilder(server.uri("/ping"))
							.header("X-Forwarded-For", "198.51.100." + i + ", 203.0.113.9")
							.GET())
						.statusCode());
		}
		return statuses;
	}

	record Server(ConfigurableApplicationContext context, int port) implements AutoCloseable {

		static Server start(String... settings) {
			return start(null, settings);
		}

		static Server start(Class<?> extraController, String... settings) {
			List<String> all = new ArrayList<>(List.of(LIMITS));
			all.addAll(List.of(settings));
			all.add("server.port=0");
			all.add("spring.data.redis.url=" + redis.server().url());
			Class<?>[] configurations = (extraController != null) ? new Class<?>[] { WebConfig.class, extraController }
					: new Class<?>[] { WebConfig.class };
			ConfigurableApplicationContext context = TestApp.runWith(WebApplicationType.SERVLET, configurations,
					Map.of(), all.toArray(String[]::new));
			return new Server(context,
					context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		}

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		HttpResponse<String> get(String path) throws IOException, InterruptedException {
			return send(HttpRequest.newBuilder(uri(path)).GET());
		}

		HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}

		LimitedController controller() {
			return this.context.getBean(LimitedController.class);
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

	@SpringBootConfiguration
	static class WebConfig {

		@Bean
		LimitedController limitedController() {
			return new LimitedController();
		}

		@Bean
		Tenants tenants() {
			return new Tenants();
		}

		/**
		 * Signs a request in as the user named by X-Test-User, the way a security filter
		 * would.
		 */
		@Bean
		Filter testUserFilter() {
			return (request, response, chain) -> {
				String user = ((HttpServletRequest) request).getHeader("X-Test-User");
				if (user == null) {
					chain.doFilter(request, response);
					return;
				}
				chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {

					@Override
					public Principal getUserPrincipal() {
						return () -> user;
					}

				}, response);
			};
		}

	}

	@RestController
	static class LimitedController {

		final AtomicInteger pings = new AtomicInteger();

		@RateLimited(limit = "ping")
		@GetMapping("/ping")
		String ping() {
			this.pings.incrementAndGet();
			return "pong";
		}

		@GetMapping("/rule/{id}")
		String rule(@PathVariable String id) {
			return id;
		}

		@PostMapping("/rule/{id}")
		String postRule(@PathVariable String id) {
			return id;
		}

		@RateLimited(limit = "pair")
		@RateLimited(limit = "ping", key = "'everyone'")
		@GetMapping("/two")
		String two() {
			return "two";
		}

		@RateLimited(limit = "rule", key = "pathVariable('id')")
		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return id;
		}

		@RateLimited(limit = "rule", key = "@tenants.of(request)")
		@GetMapping("/tenant")
		String tenant() {
			return "tenant";
		}

		@GetMapping("/fail")
		String fail() {
			throw new IllegalStateException("this handler always fails");
		}

		@RateLimited(limit = "closed")
		@GetMapping("/closed")
		String closed() {
			return "closed";
		}

		@RateLimited(limit = "ping", key = "principal")
		@GetMapping("/me")
		String me() {
			return "me";
		}

	}

	/** A key resolver bean, the way an app would write one. */
	static class Tenants {

		public String of(HttpServletRequest request) {
			return request.getHeader("X-Tenant");
		}

	}

	@RestController
	static class BadController {

		@RateLimited(limit = "pnig")
		@GetMapping("/typo")
		String typo() {
			return "typo";
		}

	}

	@RestController
	static class BadKeyController {

		@RateLimited(limit = "ping", key = "header('X-Api-Key'")
		@GetMapping("/bad-key")
		String badKey() {
			return "bad";
		}

	}

}
