package io.github.redisstarter.sample.notifications;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.broadcast.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The WebSocket clients of this instance, fed by the Broadcaster: a notification posted
 * to any instance reaches every client of every instance. Each session is wrapped so that
 * a slow client is cut off rather than holding up the others.
 */
@Component
class NotificationSockets extends TextWebSocketHandler implements DisposableBean {

	static final String CHANNEL = "notifications";

	private static final Log logger = LogFactory.getLog(NotificationSockets.class);

	private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

	private final JsonMapper json;

	private final Subscription subscription;

	NotificationSockets(Broadcaster broadcaster, JsonMapper json) {
		this.json = json;
		this.subscription = broadcaster.subscribe(CHANNEL, Notification.class,
				(channel, notification) -> send(notification));
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		this.sessions.put(session.getId(), new ConcurrentWebSocketSessionDecorator(session, 5_000, 512 * 1024));
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.sessions.remove(session.getId());
	}

	private void send(Notification notification) {
		TextMessage frame = new TextMessage(this.json.writeValueAsString(notification));
		for (WebSocketSession session : this.sessions.values()) {
			try {
				session.sendMessage(frame);
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Dropping WebSocket session " + session.getId() + ": " + ex.getMessage());
				this.sessions.remove(session.getId());
			}
		}
	}

	@Override
	public void destroy() {
		this.subscription.close();
	}

}
