package io.github.redisstarter.sample;

import java.time.Instant;

import io.github.redisstarter.connection.BackendState;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Which backend the starter uses right now, for people and scripts (the same facts as the
 * health details).
 */
@RestController
class BackendController {

	private final BackendState state;

	BackendController(BackendState state) {
		this.state = state;
	}

	@GetMapping("/api/backend")
	Backend backend() {
		return new Backend(this.state.mode().name().toLowerCase(java.util.Locale.ROOT), this.state.since(),
				this.state.reason(), (this.state.endpoint() != null) ? this.state.endpoint().describe() : null);
	}

	record Backend(String mode, Instant since, String reason, String endpoint) {
	}

}
