package io.github.redisstarter.sample.notifications;

import java.lang.management.ManagementFactory;
import java.time.Instant;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.sample.SocketsConfiguration;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * POST /api/notifications {"text": "hello"}: broadcast to every WebSocket client of every
 * instance.
 */
@RestController
class NotificationController {

	static final int MAX_TEXT = 1000;

	/** This instance, as notifications name it: the JVM's pid@host. */
	private final String instance = ManagementFactory.getRuntimeMXBean().getName();

	private final Broadcaster broadcaster;

	NotificationController(Broadcaster broadcaster) {
		this.broadcaster = broadcaster;
	}

	@PostMapping("/api/notifications")
	ResponseEntity<?> post(@RequestBody NewNotification body) {
		String text = (body.text() != null) ? body.text().strip() : "";
		if (text.isEmpty() || text.length() > MAX_TEXT) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"'text' must hold 1 to " + MAX_TEXT + " characters");
			problem.setTitle("Invalid notification");
			return ResponseEntity.of(problem).build();
		}
		Notification notification = new Notification(text, Instant.now(), this.instance);
		this.broadcaster.publish(SocketsConfiguration.NOTIFICATIONS, notification);
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(notification);
	}

	record NewNotification(String text) {
	}

}
