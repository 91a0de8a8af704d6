package io.github.redisstarter.session;

import java.time.Instant;

import io.github.redisstarter.session.AppInstances.Instance;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a switch of the backend means for sessions, with two app instances on one Redis
 * and the switch made as a failed call and the monitor's probes make it (Redis itself
 * stays up, so that what it still holds can be seen). The web-level outage, with Redis
 * killed and hung, is in SessionOutageTests.
 */
class SessionFailoverTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	final AppInstances instances = new AppInstances(redis);

	private static final SessionSettings SETTINGS = SessionSettings.defaults();

	@Test
	void aSessionMadeWhileRedisIsAwayLivesOnItsInstanceAndMovesToRedisWithItsIdAfter() {
		Instance a = this.instances.start(SETTINGS);
		Instance b = this.instances.start(SETTINGS);
		a.loseRedis();
		FailoverSession made = a.sessions().createSession();
		assertThat(made.inRedis()).isFalse();
		made.setAttribute("user", "ann");
		a.sessions().save(made);
		assertThat(a.sessions().findById(made.getId()).<String>getAttribute("user")).isEqualTo("ann");
		assertThat(b.sessions().findById(made.getId())).as("known to its instance only").isNull();

		a.returnToRedis();
		FailoverSession after = a.sessions().findById(made.getId());
		assertThat(after).as("still valid on its instance").isNotNull();
		assertThat(after.inRedis()).isFalse();
		assertThat(b.sessions().findById(made.getId())).as("not moved before its next save").isNull();
		after.setAttribute("cart", "1 book");
		a.sessions().save(after);
		assertThat(after.inRedis()).isTrue();
		assertThat(a.sessions().sessionsInMemory()).isZero();
		FailoverSession onB = b.sessions().findById(made.getId());
		assertThat(onB.<String>getAttribute("user")).isEqualTo("ann");
		assertThat(onB.<String>getAttribute("cart")).isEqualTo("1 book");
		assertThat(onB.getCreationTime()).isAfterOrEqualTo(made.getCreationTime());
		// Redis drops it after its max inactive interval, as any session.
		assertThat((Long) redis.server().command("PTTL", "spring:session:sessions:" + made.getId())).isPositive();
	}

	@Test
	void aSessionReadFromRedisAndSavedWhileRedisIsAwayStaysValidOnThatInstanceAndMovesBack()
			throws InterruptedException {
		Instance a = this.instances.start(SETTINGS);
		Instance b = this.instances.start(SETTINGS);
		FailoverSession made = a.sessions().createSession();
		made.setAttribute("user", "ann");
		a.sessions().save(made);

		Thread.sleep(5);
		// A request, as Spring Session's filter makes it: read, touch, change, save.
		FailoverSession read = a.sessions().findById(made.getId());
		read.setLastAccessedTime(Instant.now());
		a.loseRedis();
		read.setAttribute("cart", "2 books");
		a.sessions().save(read);
		assertThat(read.inRedis()).isFalse();
		assertThat(a.sessions().findById(made.getId()).<String>getAttribute("cart")).isEqualTo("2 books");
		assertThat(b.sessions().findById(made.getId()).<String>getAttribute("cart")).as("Redis still has the old")
			.isNull();

		a.returnToRedis();
		FailoverSession newest = a.sessions().findById(made.getId());
		assertThat(newest.<String>getAttribute("cart")).as("the copy used last wins").isEqualTo("2 books");
		a.sessions().save(newest);
		assertThat(b.sessions().findById(made.getId()).<String>getAttribute("cart")).isEqualTo("2 books");
	}

	@Test
	void whenRedisHoldsANewerCopyTheInstancesOutageCopyIsDropped() throws InterruptedException {
		Instance a = this.instances.start(SETTINGS);
		Instance b = this.instances.start(SETTINGS);
		FailoverSession made = a.sessions().createSession();
		a.sessions().save(made);
		FailoverSession read = a.sessions().findById(made.getId());
		read.setLastAccessedTime(Instant.now());
		a.loseRedis();
		read.setAttribute("cart", "old");
		a.sessions().save(read);
		Thread.sleep(5);
		// The user went on on another instance, which still reached Redis.
		FailoverSession onB = b.sessions().findById(made.getId());
		onB.setLastAccessedTime(Instant.now());
		onB.setAttribute("cart", "new");
		b.sessions().save(onB);

		a.returnToRedis();
		assertThat(a.sessions().findById(made.getId()).<String>getAttribute("cart")).isEqualTo("new");
		assertThat(a.sessions().sessionsInMemory()).isZero();
	}

	@Test
	void anOutageCopyOfARedisSessionSignedOutElsewhereDoesNotBringItBack() {
		Instance a = this.instances.start(SETTINGS);
		Instance b = this.instances.start(SETTINGS);
		FailoverSession made = a.sessions().createSession();
		made.setAttribute("user", "ann");
		a.sessions().save(made);
		// A request in flight on A when Redis went away: its save keeps a copy on A.
		FailoverSession read = a.sessions().findById(made.getId());
		a.loseRedis();
		a.sessions().save(read);
		a.returnToRedis();
		// Signed out on B once Redis is back.
		b.sessions().deleteById(made.getId());
		assertThat(a.sessions().findById(made.getId())).as("the copy on A ended with it").isNull();
		assertThat(a.sessions().sessionsInMemory()).isZero();
		assertThat(redis.server().command("EXISTS", "spring:session:sessions:" + made.getId())).isEqualTo(0L);
	}

	@Test
	void aSessionDeletedWhileRedisIsAwayIsDeletedThereWhenItReturns() {
		Instance a = this.instances.start(SETTINGS);
		Instance b = this.instances.start(SETTINGS);
		FailoverSession made = a.sessions().createSession();
		made.setAttribute("user", "ann");
		a.sessions().save(made);
		a.sessions().findById(made.getId());

		a.loseRedis();
		a.sessions().deleteById(made.getId());
		assertThat(b.sessions().findById(made.getId())).as("Redis could not be told yet").isNotNull();
		a.returnToRedis();
		assertThat(b.sessions().findById(made.getId())).as("signed out everywhere once Redis is back").isNull();
	}

}
