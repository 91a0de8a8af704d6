package io.github.redisstarter.sample.reactive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive sample end to end: started as its main method starts it, on a random port
 * and a real Redis, and driven over HTTP.
 */
class ReactiveSampleApplicationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	static ConfigurableApplicationContext app;

	static String baseUrl;

	static WebTestClient client;

	@BeforeAll
	static void start() {
		app = new SpringApplicationBuilder(ReactiveSampleApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.data.redis.url=" + redis.server().url(),
				"--spring.main.banner-mode=off");
		baseUrl = "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port");
		client = WebTestClient.bindToServer().baseUrl(baseUrl).responseTimeout(Duration.ofSeconds(10)).build();
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void theAnnotatedControllerIsLimitedWithHeadersAndAProblem() {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			EntityExchangeResult<String> ok = client.get()
				.uri("/api/quote")
				.exchange()
				.expectBody(String.class)
				.returnResult();
			statuses.add(ok.getStatus().value());
			assertThat(ok.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"quote\";q=3;w=10");
		}
		assertThat(statuses).containsOnly(200);
		EntityExchangeResult<String> denied = client.get()
			.uri("/api/quote")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(denied.getStatus().value()).isEqualTo(429);
		assertThat(denied.getResponseHeaders().getFirst("Retry-After")).isNotBlank();
		assertThat(denied.getResponseBody()).contains("\"limit\":\"quote\"").contains("\"instance\":\"/api/quote\"");
	}

	@Test
	void theFunctionalRouteIsLimitedByItsPathRulePerRoleAndReadsTheCache() {
		client.get().uri("/api/roles/1").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("role-1");
		client.get().uri("/api/roles/1").exchange().expectStatus().isOk();
		client.get().uri("/api/roles/1").exchange().expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
		client.get().uri("/api/roles/2").exchange().expectStatus().isOk();
		client.get().uri("/api/roles/0").exchange().expectStatus().isNotFound();
		// The role is cached in Redis, for every instance.
		assertThat(String.valueOf(redis.server().command("KEYS", "*roles*"))).contains("1");
	}

	@Test
	void broadcastsReachTheServerSentEventStream() {
		Mono<List<String>> received = WebClient.create(baseUrl)
			.get()
			.uri("/api/news")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(String.class)
			.take(1)
			.collectList()
			.cache();
		received.subscribe();
		Flux.interval(Duration.ofMillis(200))
			.takeUntilOther(received)
			.concatMap((tick) -> WebClient.create(baseUrl)
				.post()
				.uri("/api/news")
				.bodyValue("hello")
				.retrieve()
				.toBodilessEntity())
			.blockLast(Duration.ofSeconds(10));
		assertThat(received.block(Duration.ofSeconds(10))).containsExactly("hello");
	}

}
