package io.github.redisstarter.sample;

import io.github.redisstarter.broadcast.Broadcaster;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Plain WebSocket endpoints (JSON text frames, no STOMP), each fed by a Broadcaster
 * channel: {@code /ws/notifications} and {@code /ws/jobs}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class SocketsConfiguration implements WebSocketConfigurer {

	/** Where posted notifications travel. */
	public static final String NOTIFICATIONS = "notifications";

	/** Where job updates travel: a job that ends on any instance. */
	public static final String JOBS = "jobs";

	private final Broadcaster broadcaster;

	SocketsConfiguration(Broadcaster broadcaster) {
		this.broadcaster = broadcaster;
	}

	@Bean
	BroadcastSockets notificationSockets() {
		return new BroadcastSockets(this.broadcaster, NOTIFICATIONS);
	}

	@Bean
	BroadcastSockets jobSockets() {
		return new BroadcastSockets(this.broadcaster, JOBS);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		// Browsers are accepted from this instance's own pages (same origin, Spring's
		// default); clients that send no Origin header, such as scripts and other
		// services, are accepted too.
		registry.addHandler(notificationSockets(), "/ws/notifications");
		registry.addHandler(jobSockets(), "/ws/jobs");
	}

}
