package io.github.redisstarter.sample;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.broadcast.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The WebSocket clients of this instance on one Broadcaster channel: a message published
 * on it by any instance reaches every client of every instance, as the JSON text it was
 * published as. Each session is wrapped so that a slow client is cut off rather than
 * holding up the others.
 */
public class BroadcastSockets extends TextWebSocketHandler implements DisposableBean {

	private static final Log logger = LogFactory.getLog(BroadcastSockets.class);

	private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

	private final Subscription subscription;

	public BroadcastSockets(Broadcaster broadcaster, String channel) {
		this.subscription = broadcaster.subscribe(channel, String.class, (name, json) -> send(json));
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		this.sessions.put(session.getId(), new ConcurrentWebSocketSessionDecorator(session, 5_000, 512 * 1024));
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.sessions.remove(session.getId());
	}

	private void send(String json) {
		TextMessage frame = new TextMessage(json);
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
