package io.github.redisstarter.sample;

import java.time.Instant;

import io.github.redisstarter.ratelimit.web.RateLimited;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A rate-limited endpoint: the limit 'ping' (5 per 10 seconds, in application.yml) per
 * client IP. The sixth request within the window gets 429 with Retry-After; every answer
 * carries the RateLimit-Policy and RateLimit headers.
 */
@RestController
class PingController {

	@RateLimited(limit = "ping")
	@GetMapping("/api/ping")
	Pong ping() {
		return new Pong("pong", Instant.now());
	}

	record Pong(String message, Instant at) {
	}

}
