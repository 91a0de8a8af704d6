package io.github.redisstarter.session;

import java.time.Clock;
import java.time.Duration;

import io.github.redisstarter.connection.BackendMode;
import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.internal.DefaultBackendState;
import io.github.redisstarter.connection.internal.DefaultFailover;
import io.github.redisstarter.connection.internal.Secrets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract on the sessions of an app without Redis; and that memory drops expired
 * sessions by itself and holds no more than its maximum.
 */
class InMemorySessionRepositoryTests extends SessionRepositoryContract {

	@Override
	protected FailoverSessionRepository create(SessionSettings settings) {
		return SessionRepositories.inMemory(new DefaultFailover(new DefaultBackendState(BackendSelection.AUTO, null,
				BackendMode.MEMORY, "no Redis", Secrets.none(), Clock.systemUTC(), Runnable::run)), settings);
	}

	@Override
	protected boolean inRedis() {
		return false;
	}

	@Override
	protected void afterExpiry(FailoverSessionRepository sessions, String expiredId) {
		// Dropped, not merely hidden: only the used session is still held.
		assertThat(sessions.sessionsInMemory()).isEqualTo(1);
	}

	@Test
	void expiredSessionsAreDroppedWithoutAnyoneAskingForThem() {
		FailoverSessionRepository sessions = create(SETTINGS.withMaxInactiveInterval(Duration.ofMillis(300)));
		for (int i = 0; i < 10; i++) {
			sessions.save(sessions.createSession());
		}
		assertThat(sessions.sessionsInMemory()).isEqualTo(10);
		// Caffeine's timer wheel evicts within about a second of the expiry.
		await().atMost(Duration.ofSeconds(3)).until(() -> sessions.sessionsInMemory() == 0);
	}

	@Test
	void memoryHoldsNoMoreSessionsThanItsMaximum() {
		FailoverSessionRepository sessions = create(new SessionSettings(Duration.ofMinutes(5), "s", 5));
		for (int i = 0; i < 50; i++) {
			sessions.save(sessions.createSession());
		}
		assertThat(sessions.sessionsInMemory()).isEqualTo(5);
	}

}
