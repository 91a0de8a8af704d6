package io.github.redisstarter.sample.notifications;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** A plain WebSocket endpoint (JSON text frames, no STOMP) at /ws/notifications. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class NotificationsConfiguration implements WebSocketConfigurer {

	private final NotificationSockets sockets;

	NotificationsConfiguration(NotificationSockets sockets) {
		this.sockets = sockets;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		// Browsers are accepted from this instance's own pages (same origin, Spring's
		// default); clients that send no
		// Origin header, such as scripts and other services, are accepted too.
		registry.addHandler(this.sockets, "/ws/notifications");
	}

}
