package io.github.redisstarter.reactive;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.cache.TwoLevelCacheFactory;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import io.github.redisstarter.test.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Reactor forms of the three capabilities, on a real Redis through the beans an app
 * gets: lazy checks that take permits in Redis and fall back as the blocking ones do,
 * cache reads off the subscriber's thread, and broadcast fluxes that subscribe and
 * unsubscribe Redis and drop (and count) beyond their buffer.
 */
class ReactiveAdaptersTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() {
		app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run("--spring.data.redis.url=" + redis.server().url(), "--spring.main.banner-mode=off",
					"--redis-starter.rate-limit.limits.api.bands=2/10s");
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void aCheckIsMadeOnSubscriptionInRedis() {
		RateLimiter limiter = app.getBean(RateLimiter.class);
		Mono<Decision> check = ReactiveAdapters.tryAcquire(limiter, "api", "lazy");
		assertThat(limiter.peek("api", "lazy").remaining()).isEqualTo(2);
		Decision first = check.block(Duration.ofSeconds(5));
		assertThat(first.allowed()).isTrue();
		assertThat(first.source()).isEqualTo(Decision.Source.REDIS);
		// The same Mono checks again on each subscription.
		assertThat(check.block(Duration.ofSeconds(5)).allowed()).isTrue();
		assertThat(check.block(Duration.ofSeconds(5)).allowed()).isFalse();
		assertThat(redis.server().command("KEYS", "*lazy*")).asList().isNotEmpty();
		assertThatThrownBy(() -> ReactiveAdapters.tryAcquire(limiter, "nope", "k").block())
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aCheckMissingItsDeadlineIsAnsweredInMemoryAsTheBlockingOneIs() {
		RateLimiter limiter = app.getBean(RateLimiter.class);
		redis.server().pause();
		try {
			long start = System.nanoTime();
			Decision decision = ReactiveAdapters.tryAcquire(limiter, "api", "paused").block(Duration.ofSeconds(5));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.source()).isEqualTo(Decision.Source.FALLBACK);
			// Within the call deadline (max-call-deadline 500 ms), not Lettuce's timeout.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		}
		finally {
			redis.server().resume();
		}
	}

	@Test
	void cacheReadsRunOffTheSubscribersThreadAndLoadOnce() {
		AtomicInteger loads = new AtomicInteger();
		List<String> loaderThreads = new CopyOnWriteArrayList<>();
		TwoLevelCache<String> cache = app.getBean(TwoLevelCacheFactory.class)
			.create("reactive-roles", String.class, (id) -> {
				loads.incrementAndGet();
				loaderThreads.add(Thread.currentThread().getName());
				return id.equals("none") ? Optional.empty() : Optional.of("role-" + id);
			});
		assertThat(ReactiveAdapters.get(cache, "7").block(Duration.ofSeconds(5))).isEqualTo("role-7");
		assertThat(ReactiveAdapters.get(cache, "7").block(Duration.ofSeconds(5))).isEqualTo("role-7");
		assertThat(loads).hasValue(1);
		assertThat(loaderThreads).singleElement().asString().startsWith("boundedElastic");
		assertThat(ReactiveAdapters.get(cache, "none").blockOptional(Duration.ofSeconds(5))).isEmpty();
		// Shared through Redis: the value is there for the other instances.
		assertThat(redis.server().command("KEYS", "*reactive-roles*")).asList().isNotEmpty();
	}

	@Test
	void aBroadcastFluxSubscribesRedisOnSubscriptionAndUnsubscribesOnCancel() {
		Broadcaster broadcaster = app.getBean(Broadcaster.class);
		List<ReactiveAdapters.Message<String>> received = new CopyOnWriteArrayList<>();
		Disposable channel = ReactiveAdapters.messages(broadcaster, "news", String.class).subscribe(received::add);
		Disposable pattern = ReactiveAdapters.patternMessages(broadcaster, "ne*", String.class)
			.subscribe(received::add);
		await().atMost(5, TimeUnit.SECONDS).until(() -> numsub("news") == 1);
		broadcaster.publish("news", "hello");
		await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 2);
		assertThat(received).extracting(ReactiveAdapters.Message::channel).containsOnly("news");
		assertThat(received).extracting(ReactiveAdapters.Message::payload).containsOnly("hello");
		channel.dispose();
		pattern.dispose();
		await().atMost(5, TimeUnit.SECONDS).until(() -> numsub("news") == 0);
	}

	@Test
	void aSlowSubscriberGetsItsBufferAndTheRestIsDroppedAndCounted() {
		Broadcaster broadcaster = app.getBean(Broadcaster.class);
		List<String> dropped = new CopyOnWriteArrayList<>();
		List<String> received = new CopyOnWriteArrayList<>();
		BaseSubscriber<ReactiveAdapters.Message<String>> slow = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				// No demand yet.
			}

			@Override
			protected void hookOnNext(ReactiveAdapters.Message<String> message) {
				received.add(message.payload());
			}

		};
		ReactiveAdapters.messages(broadcaster, "slow", false, String.class, 2, (m) -> dropped.add(m.payload()))
			.subscribe(slow);
		for (int i = 1; i <= 5; i++) {
			broadcaster.publish("slow", "m" + i);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> dropped.size() == 3);
		assertThat(dropped).containsExactly("m3", "m4", "m5");
		slow.request(10);
		await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 2);
		assertThat(received).containsExactly("m1", "m2");
		slow.dispose();
		assertThatThrownBy(() -> ReactiveAdapters.messages(broadcaster, "x", false, String.class, 0, (m) -> {
		})).isInstanceOf(IllegalArgumentException.class);
	}

	private static long numsub(String channel) {
		Object reply = redis.server().command("PUBSUB", "NUMSUB", channel);
		return Long.parseLong(String.valueOf(((List<?>) reply).get(1)));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
