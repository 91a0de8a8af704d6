package io.github.redisstarter.session;

import java.time.Duration;

import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract on Redis, and what only Redis gives: every instance knows every session,
 * the keys are Spring Session's own (sessions it stored are read, and it reads ours), and
 * Redis drops an expired session by itself.
 */
class RedisSessionRepositoryTests extends SessionRepositoryContract {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	final AppInstances instances = new AppInstances(redis);

	@Override
	protected FailoverSessionRepository create(SessionSettings settings) {
		return this.instances.start(settings).sessions();
	}

	@Override
	protected boolean inRedis() {
		return true;
	}

	@Override
	protected void afterExpiry(FailoverSessionRepository sessions, String expiredId) {
		assertThat(redis.server().command("EXISTS", "spring:session:sessions:" + expiredId)).isEqualTo(0L);
	}

	@Test
	void everyInstanceKnowsEverySession() {
		FailoverSessionRepository a = create(SETTINGS);
		FailoverSessionRepository b = create(SETTINGS);
		FailoverSession made = a.createSession();
		made.setAttribute("user", "ann");
		a.save(made);

		FailoverSession onB = b.findById(made.getId());
		assertThat(onB.<String>getAttribute("user")).isEqualTo("ann");
		onB.setAttribute("cart", "1 book");
		b.save(onB);
		assertThat(a.findById(made.getId()).<String>getAttribute("cart")).isEqualTo("1 book");

		a.deleteById(made.getId());
		assertThat(b.findById(made.getId())).isNull();
		assertThat(a.sessionsInMemory()).isZero();
		assertThat(b.sessionsInMemory()).isZero();
	}

	@Test
	void theKeysAreSpringSessionsOwnUnderThePrefixWithTheSessionsTimeToLive() {
		FailoverSessionRepository sessions = create(new SessionSettings(Duration.ofMinutes(5), "shop:web", 10));
		FailoverSession session = sessions.createSession();
		session.setAttribute("user", "ann");
		sessions.save(session);
		String key = "shop:web:sessions:" + session.getId();
		assertThat(redis.server().command("TYPE", key)).isEqualTo("hash");
		assertThat((Long) redis.server().command("PTTL", key)).isBetween(Duration.ofMinutes(4).toMillis(),
				Duration.ofMinutes(5).toMillis());

		// Spring Session's own repository, as Boot would configure it with this
		// namespace.
		SessionRepository<Session> springSession = springSessionRepository("shop:web");
		Session read = springSession.findById(session.getId());
		assertThat(read.<String>getAttribute("user")).isEqualTo("ann");
		Session theirs = springSession.createSession();
		theirs.setAttribute("user", "bob");
		springSession.save(theirs);
		assertThat(sessions.findById(theirs.getId()).<String>getAttribute("user")).isEqualTo("bob");
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private SessionRepository<Session> springSessionRepository(String namespace) {
		RedisTemplate<String, Object> template = new RedisTemplate<>();
		template.setConnectionFactory(this.instances.factory());
		template.setKeySerializer(RedisSerializer.string());
		template.setHashKeySerializer(RedisSerializer.string());
		template.setValueSerializer(new JdkSerializationRedisSerializer());
		template.setHashValueSerializer(new JdkSerializationRedisSerializer());
		template.afterPropertiesSet();
		RedisSessionRepository repository = new RedisSessionRepository(template);
		repository.setRedisKeyNamespace(namespace);
		return (SessionRepository) repository;
	}

}
