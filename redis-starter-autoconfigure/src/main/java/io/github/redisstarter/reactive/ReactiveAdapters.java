package io.github.redisstarter.reactive;

import java.util.Objects;
import java.util.function.Consumer;

import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.broadcast.Subscription;
import io.github.redisstarter.cache.TwoLevelCache;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimiter;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The capabilities as {@link Mono} and {@link Flux}, none of which blocks the thread that
 * subscribes (a Netty event loop in a WebFlux app). They wrap the beans the app already
 * has, so the failover rules and the call deadline apply unchanged:
 *
 * <ul>
 * <li>{@link #tryAcquire}: the rate limiter's own asynchronous check (one EVALSHA through
 * Lettuce; the in-memory twin answers at once while Redis is away). The {@code Mono}
 * completes on the Redis client's thread: keep what follows short, or {@code publishOn}
 * another scheduler.</li>
 * <li>{@link #get}: a cache read. {@link TwoLevelCache#get} may wait for Redis and runs
 * the app's (blocking) loader on a miss, so every read runs on Reactor's
 * {@code boundedElastic} scheduler, a near hit included (a thread hop of a few
 * microseconds).</li>
 * <li>{@link #messages}: the broadcast messages of a channel (or pattern) as a hot
 * {@code Flux}: subscribing subscribes, cancelling unsubscribes. Messages come on the
 * broadcaster's listener threads; a subscriber that does not keep up gets the newest
 * messages dropped beyond a bounded buffer, each drop handed to {@code onDropped}, rather
 * than memory growing without bound (as the broadcaster's own mailboxes do).</li>
 * </ul>
 */
public final class ReactiveAdapters {

	/** The messages a broadcast {@code Flux} holds for a slow subscriber by default. */
	public static final int DEFAULT_BUFFER_SIZE = 256;

	private ReactiveAdapters() {
	}

	/** {@link RateLimiter#tryAcquire(String, String)} as a {@code Mono}. */
	public static Mono<Decision> tryAcquire(RateLimiter limiter, String limit, String key) {
		return tryAcquire(limiter, limit, key, 1);
	}

	/**
	 * {@link RateLimiter#tryAcquire(String, String, long)} as a {@code Mono}, checked on
	 * each subscription; argument errors arrive as an error signal.
	 */
	public static Mono<Decision> tryAcquire(RateLimiter limiter, String limit, String key, long cost) {
		Objects.requireNonNull(limiter, "'limiter' must not be null");
		return Mono.fromCompletionStage(() -> limiter.tryAcquireAsync(limit, key, cost));
	}

	/**
	 * {@link TwoLevelCache#get} as a {@code Mono}: the value, or empty when the loader
	 * found none. Runs on {@code Schedulers.boundedElastic()}.
	 */
	public static <V> Mono<V> get(TwoLevelCache<V> cache, String id) {
		Objects.requireNonNull(cache, "'cache' must not be null");
		return Mono.fromCallable(() -> cache.get(id))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(Mono::justOrEmpty);
	}

	/**
	 * The messages of one channel, as {@link Broadcaster#subscribe} delivers them, with
	 * {@link #DEFAULT_BUFFER_SIZE} and drops ignored.
	 */
	public static <T> Flux<Message<T>> messages(Broadcaster broadcaster, String channel, Class<T> type) {
		return messages(broadcaster, channel, false, type, DEFAULT_BUFFER_SIZE, (dropped) -> {
		});
	}

	/**
	 * The messages of every channel matching a glob-style pattern (see
	 * {@link Broadcaster#subscribePattern}).
	 */
	public static <T> Flux<Message<T>> patternMessages(Broadcaster broadcaster, String pattern, Class<T> type) {
		return messages(broadcaster, pattern, true, type, DEFAULT_BUFFER_SIZE, (dropped) -> {
		});
	}

	/**
	 * The messages of a channel or pattern. Each subscriber has its own broadcaster
	 * subscription, opened when it subscribes and closed when it cancels (or the
	 * {@code Flux} ends). Up to {@code bufferSize} messages wait for a subscriber's
	 * demand; beyond that each new message is dropped and handed to {@code onDropped} (on
	 * the broadcaster's thread: keep it short). Delivery is at most once, as with the
	 * broadcaster itself.
	 * @throws IllegalArgumentException when {@code bufferSize} is not positive (the topic
	 * is checked on subscription, as {@link Broadcaster#subscribe} does)
	 */
	public static <T> Flux<Message<T>> messages(Broadcaster broadcaster, String topic, boolean pattern, Class<T> type,
			int bufferSize, Consumer<? super Message<T>> onDropped) {
		Objects.requireNonNull(broadcaster, "'broadcaster' must not be null");
		Objects.requireNonNull(onDropped, "'onDropped' must not be null");
		if (bufferSize <= 0) {
			throw new IllegalArgumentException("'bufferSize' must be positive, got " + bufferSize);
		}
		Flux<Message<T>> source = Flux.create((sink) -> {
			Subscription subscription = pattern
					? broadcaster.subscribePattern(topic, type,
							(channel, message) -> sink.next(new Message<>(channel, message)))
					: broadcaster.subscribe(topic, type,
							(channel, message) -> sink.next(new Message<>(channel, message)));
			sink.onDispose(subscription::close);
		});
		return source.onBackpressureBuffer(bufferSize, onDropped, BufferOverflowStrategy.DROP_LATEST);
	}

	/**
	 * A broadcast message and the channel it was published on (for a pattern, the
	 * matching channel).
	 */
	public record Message<T>(String channel, T payload) {
	}

}
