package io.github.redisstarter.sample.reactive;

import java.util.Optional;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.reactive.ReactiveAdapters;
import io.github.redisstarter.ratelimit.web.RateLimited;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The starter in a WebFlux app: {@code @RateLimited} on an annotated controller, a path
 * rule on a functional route (application.yml), a cache read and a stream of broadcasts
 * that never block a Netty thread.
 */
@SpringBootApplication
public class ReactiveSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReactiveSampleApplication.class, args);
	}

	/** Roles by id, cached in two levels; the loader stands for a database. */
	@Bean
	TwoLevelCache<String> roles(TwoLevelCacheFactory caches) {
		return caches.create("roles", String.class,
				(id) -> id.equals("0") ? Optional.empty() : Optional.of("role-" + id));
	}

	@Bean
	RouterFunction<ServerResponse> roleRoutes(TwoLevelCache<String> roles) {
		return RouterFunctions.route()
			.GET("/api/roles/{id}",
					(request) -> ReactiveAdapters.get(roles, request.pathVariable("id"))
						.flatMap((role) -> ServerResponse.ok().bodyValue(role))
						.switchIfEmpty(ServerResponse.notFound().build()))
			.build();
	}

	@RestController
	static class QuoteController {

		private final Broadcaster broadcaster;

		QuoteController(Broadcaster broadcaster) {
			this.broadcaster = broadcaster;
		}

		@RateLimited(limit = "quote")
		@GetMapping("/api/quote")
		Mono<String> quote() {
			return Mono.just("Redis is away? Keep serving.");
		}

		/** Publishes to every instance's /api/news subscribers. */
		@PostMapping("/api/news")
		Mono<Void> publish(@RequestBody String text) {
			this.broadcaster.publish("news", text);
			return Mono.empty();
		}

		@GetMapping(path = "/api/news", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> news() {
			return ReactiveAdapters.messages(this.broadcaster, "news", String.class)
				.map((message) -> ServerSentEvent.builder(message.payload()).event("news").build());
		}

	}

}
