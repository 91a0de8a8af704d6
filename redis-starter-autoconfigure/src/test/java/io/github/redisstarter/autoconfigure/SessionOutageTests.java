package io.github.redisstarter.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.session.FailoverSessionRepository;
import io.github.redisstarter.test.RedisServerExtension;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signed-in users of a web app on Redis through outages, over HTTP with Spring Session's
 * cookie: no request fails while Redis is away; a session kept in Redis cannot be read
 * meanwhile and is valid again when Redis returns with it (a hang), or is gone when Redis
 * returns without its data (a crash of a Redis that keeps nothing); a session made during
 * the outage stays valid on its instance and moves to Redis on its first request after.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionOutageTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** Generous: the point is one short command timeout, not Lettuce's 60 s. */
	private static final Duration REQUEST_BOUND = Duration.ofSeconds(3);

	@Test
	void throughAHangSessionsInRedisReturnAndSessionsMadeMeanwhileMoveToRedis(CapturedOutput output) throws Exception {
		try (App app = App.start()) {
			String ann = app.signIn("ann");
			assertThat(app.me(ann)).isEqualTo("ann");

			app.awaitRequestsEnded();
			redis.server().pause();
			assertThat(app.me(ann)).as("Redis' sessions cannot be read meanwhile").isEqualTo("signed out");
			await().atMost(WAIT).until(() -> app.state().mode() == BackendMode.MEMORY);
			String bob = app.signIn("bob");
			assertThat(app.me(bob)).isEqualTo("bob");
			assertThat(app.me(ann)).isEqualTo("signed out");
			assertThat(app.sessions().sessionsInMemory()).isOne();

			redis.server().resume();
			await().atMost(WAIT).until(() -> app.state().mode() == BackendMode.REDIS);
			assertThat(app.me(ann)).as("valid again: Redis kept it").isEqualTo("ann");
			assertThat(app.me(bob)).as("valid on the instance that made it").isEqualTo("bob");
			assertThat(redis.server().command("EXISTS", "spring:session:sessions:" + id(bob)))
				.as("moved to Redis, for every instance")
				.isEqualTo(1L);
			assertThat(app.sessions().sessionsInMemory()).isZero();
		}
		assertThat(output.getAll()).contains("sessions are made and read in this instance's memory");
	}

	@Test
	void throughACrashNoRequestFailsAndSessionsMadeMeanwhileMoveToTheNewRedis() throws Exception {
		try (App app = App.start()) {
			String ann = app.signIn("ann");
			app.awaitRequestsEnded();
			redis.server().kill();
			assertThat(app.me(ann)).isEqualTo("signed out");
			String carol = app.signIn("carol");
			assertThat(app.me(carol)).isEqualTo("carol");
			String dave = app.signIn("dave");
			assertThat(app.signOut(dave)).isEqualTo(200);
			assertThat(app.me(dave)).isEqualTo("signed out");

			redis.server().start();
			await().atMost(WAIT).until(() -> app.state().mode() == BackendMode.REDIS);
			assertThat(app.me(ann)).as("gone with the data of a Redis that keeps none").isEqualTo("signed out");
			assertThat(app.me(carol)).isEqualTo("carol");
			assertThat(redis.server().command("EXISTS", "spring:session:sessions:" + id(carol))).isEqualTo(1L);
			assertThat(app.me(dave)).isEqualTo("signed out");
		}
	}

	/** The session id in Spring Session's cookie value (Base64). */
	private static String id(String cookie) {
		return new String(Base64.getDecoder().decode(cookie.substring("SESSION=".length())), StandardCharsets.UTF_8);
	}

	@RestController
	static class SignIn {

		@PostMapping("/sign-in")
		String signIn(@RequestParam String name, HttpServletRequest request) {
			request.getSession(true).setAttribute("user", name);
			return name;
		}

		@PostMapping("/sign-out")
		String signOut(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
			return "bye";
		}

		@GetMapping("/me")
		ResponseEntity<String> me(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object user = (session != null) ? session.getAttribute("user") : null;
			return (user != null) ? ResponseEntity.ok(user.toString()) : ResponseEntity.status(401).body("");
		}

	}

	/**
	 * Counts requests until Spring Session's filter has ended them: it saves the session
	 * again after the response went out, and a save that meets the outage keeps a copy in
	 * memory, as it should for a request in flight when Redis went away. A test that
	 * means "Redis went away between requests" waits for that save first.
	 */
	static class RequestsInFlight implements Filter, Ordered {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			this.count.incrementAndGet();
			try {
				chain.doFilter(request, response);
			}
			finally {
				this.count.decrementAndGet();
			}
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	record App(ConfigurableApplicationContext context, int port) implements AutoCloseable {

		static App start() {
			List<String> args = List.of("--server.port=0", "--spring.data.redis.url=" + redis.server().url(),
					"--redis-starter.ping-interval=100ms", "--redis-starter.ping-timeout=500ms",
					"--spring.main.banner-mode=off");
			ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class, SignIn.class,
					RequestsInFlight.class)
				.web(WebApplicationType.SERVLET)
				.environment(new TestApp.EnvironmentWithVariables(Map.of()))
				.run(args.toArray(String[]::new));
			return new App(context, context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		}

		void awaitRequestsEnded() {
			RequestsInFlight requests = this.context.getBean(RequestsInFlight.class);
			await().atMost(WAIT).until(() -> requests.count.get() == 0);
		}

		BackendState state() {
			return this.context.getBean(BackendState.class);
		}

		FailoverSessionRepository sessions() {
			return this.context.getBean(FailoverSessionRepository.class);
		}

		/** Signs in; the session cookie. */
		String signIn(String name) throws IOException, InterruptedException {
			HttpResponse<String> response = send(
					HttpRequest.newBuilder(uri("/sign-in?name=" + name)).POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(response.statusCode()).isEqualTo(200);
			return response.headers()
				.firstValue("Set-Cookie")
				.map((cookie) -> cookie.substring(0, cookie.indexOf(';')))
				.orElseThrow();
		}

		int signOut(String cookie) throws IOException, InterruptedException {
			return send(HttpRequest.newBuilder(uri("/sign-out"))
				.header("Cookie", cookie)
				.POST(HttpRequest.BodyPublishers.noBody())).statusCode();
		}

		/** Who the cookie's session says is signed in, or "signed out". */
		String me(String cookie) throws IOException, InterruptedException {
			HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/me")).header("Cookie", cookie).GET());
			assertThat(response.statusCode()).isIn(200, 401);
			return (response.statusCode() == 200) ? response.body() : "signed out";
		}

		private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
			long start = System.nanoTime();
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REQUEST_BOUND);
			return response;
		}

		private URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

}
