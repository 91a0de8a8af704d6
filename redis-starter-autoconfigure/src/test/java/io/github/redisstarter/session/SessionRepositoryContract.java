package io.github.redisstarter.session;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the session repository does on either side, Redis or memory: what was saved is
 * found, with its attributes and times; deletes, removed attributes and changed ids hold;
 * an unused session expires after its max inactive interval, and a used one lives on.
 */
abstract class SessionRepositoryContract {

	protected static final SessionSettings SETTINGS = SessionSettings.defaults();

	/** A repository of one app instance, on the side under test. */
	protected abstract FailoverSessionRepository create(SessionSettings settings);

	/** Whether the sessions of the side under test are kept in Redis. */
	protected abstract boolean inRedis();

	@Test
	void aSavedSessionIsFoundWithItsAttributesAndTimes() {
		FailoverSessionRepository sessions = create(SETTINGS);
		FailoverSession session = sessions.createSession();
		assertThat(session.inRedis()).isEqualTo(inRedis());
		assertThat(sessions.findById(session.getId())).as("not saved yet").isNull();
		session.setAttribute("user", "ann");
		session.setAttribute("visits", 3);
		sessions.save(session);
		FailoverSession found = sessions.findById(session.getId());
		assertThat(found).isNotNull();
		assertThat(found.inRedis()).isEqualTo(inRedis());
		assertThat(found.getId()).isEqualTo(session.getId());
		assertThat(found.<String>getAttribute("user")).isEqualTo("ann");
		assertThat(found.<Integer>getAttribute("visits")).isEqualTo(3);
		assertThat(found.getAttributeNames()).containsExactlyInAnyOrder("user", "visits");
		assertThat(found.getMaxInactiveInterval()).isEqualTo(SETTINGS.maxInactiveInterval());
		assertThat(found.getCreationTime().truncatedTo(ChronoUnit.MILLIS))
			.isEqualTo(session.getCreationTime().truncatedTo(ChronoUnit.MILLIS));
		assertThat(found.getLastAccessedTime().truncatedTo(ChronoUnit.MILLIS))
			.isEqualTo(session.getLastAccessedTime().truncatedTo(ChronoUnit.MILLIS));
	}

	@Test
	void removedAttributesDeletesAndChangedIdsHold() {
		FailoverSessionRepository sessions = create(SETTINGS);
		FailoverSession session = sessions.createSession();
		session.setAttribute("user", "ann");
		session.setAttribute("cart", "2 books");
		sessions.save(session);

		FailoverSession found = sessions.findById(session.getId());
		found.removeAttribute("cart");
		String oldId = found.getId();
		String newId = found.changeSessionId();
		assertThat(newId).isNotEqualTo(oldId);
		sessions.save(found);
		assertThat(sessions.findById(oldId)).isNull();
		FailoverSession renamed = sessions.findById(newId);
		assertThat(renamed.getAttributeNames()).containsExactly("user");

		sessions.deleteById(newId);
		assertThat(sessions.findById(newId)).isNull();
	}

	@Test
	void anUnusedSessionExpiresAfterItsMaxInactiveIntervalAndAUsedOneLivesOn() throws InterruptedException {
		FailoverSessionRepository sessions = create(SETTINGS.withMaxInactiveInterval(Duration.ofSeconds(1)));
		FailoverSession unused = sessions.createSession();
		FailoverSession used = sessions.createSession();
		assertThat(unused.getMaxInactiveInterval()).isEqualTo(Duration.ofSeconds(1));
		sessions.save(unused);
		sessions.save(used);
		Thread.sleep(600);
		// What Spring Session's filter does on each request: touch, then save.
		FailoverSession again = sessions.findById(used.getId());
		again.setLastAccessedTime(Instant.now());
		sessions.save(again);
		Thread.sleep(600);
		assertThat(sessions.findById(unused.getId())).isNull();
		assertThat(sessions.findById(used.getId())).isNotNull();
		afterExpiry(sessions, unused.getId());
	}

	/** What the side under test shows of an expired session, besides not finding it. */
	protected void afterExpiry(FailoverSessionRepository sessions, String expiredId) {
	}

}
