package io.github.redisstarter.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.github.redisstarter.connection.BackendSelection;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.DaemonThreads;
import io.github.redisstarter.connection.internal.ServerFacts;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.queue.JobListener;
import io.github.redisstarter.queue.JobThrottle;
import io.github.redisstarter.queue.JobOptions;
import io.github.redisstarter.queue.JobQueue;
import io.github.redisstarter.queue.JobQueues;
import io.github.redisstarter.queue.ManagedJobQueue;
import io.github.redisstarter.queue.QueueDefinition;
import io.github.redisstarter.queue.QueueHandler;
import io.github.redisstarter.queue.QueueSettings;
import io.github.redisstarter.queue.RepeatableJob;
import io.github.redisstarter.queue.Schedule;
import io.github.redisstarter.queue.Backoff;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimit;
import io.github.redisstarter.ratelimit.RateLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The {@link JobQueue}: on Redis when Redis is configured (calls fail with
 * {@code QueueUnavailableException} and workers pause while it is away), in this JVM
 * otherwise (one WARN: jobs do not survive a restart). Runs a worker per
 * {@link QueueHandler} bean and {@link JobHandler} method from context start to stop, and
 * the repeatable jobs of {@code redis-starter.queue.queues.<name>.repeat}.
 */
@AutoConfiguration(after = RedisStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(JsonMapper.class)
@ConditionalOnBean(Failover.class)
@ConditionalOnProperty(prefix = "redis-starter.queue", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(QueueProperties.class)
public final class QueueAutoConfiguration {

	private static final Log logger = LogFactory.getLog(QueueAutoConfiguration.class);

	/** How long the startup check of the eviction policy waits for Redis' first INFO. */
	private static final Duration STARTUP_CHECK_WAIT = Duration.ofSeconds(10);

	@Bean
	@ConfigurationPropertiesBinding
	static Converter<String, Backoff> redisStarterBackoffConverter() {
		return Backoff::parse;
	}

	@Bean
	@ConditionalOnMissingBean(JobQueue.class)
	ManagedJobQueue redisStarterJobQueue(QueueProperties properties, Failover failover,
			ObjectProvider<SharedRedisCommands> commands, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<JobListener> listeners, Environment environment) {
		JsonMapper json = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		QueueSettings settings = SettingRules.apply(environment, "redis-starter.queue",
				"a poll-interval of at least 1ms, a visibility-timeout of at least 100ms, a shutdown-timeout of 0 or more,"
						+ " a buffer-capacity of 0 (none) or more",
				() -> new QueueSettings(properties.getPollInterval(), properties.getVisibilityTimeout(),
						properties.getShutdownTimeout(), properties.getBufferCapacity()));
		List<QueueDefinition> definitions = definitions(properties);
		JobOptions defaults = options(properties.getDefaults());
		// Found at the first event, not now: a listener may itself need the JobQueue.
		SingletonSupplier<List<JobListener>> all = SingletonSupplier.of(() -> listeners.orderedStream().toList());
		JobListener listener = (event) -> all.obtain().forEach((each) -> each.onEvent(event));
		BackendState state = failover.state();
		SharedRedisCommands redis = commands.getIfAvailable();
		if (state.endpoint() == null || redis == null) {
			if (state.selection() == BackendSelection.MEMORY) {
				// With no Redis configured, the backend's own WARN line says it.
				logger.warn("Jobs run in this instance only (redis-starter.mode=memory): a job added here runs here,"
						+ " and jobs not finished are lost when the app stops");
			}
			return JobQueues.inMemory(json, definitions, defaults, listener, settings);
		}
		return SettingRules.apply(environment, "redis-starter.queue", "non-empty text without '{' or '}'",
				() -> JobQueues.onRedis(redis, failover, properties.getKeyPrefix(), json, definitions, defaults,
						listener, settings));
	}

	private static List<QueueDefinition> definitions(QueueProperties properties) {
		JobOptions shared = options(properties.getDefaults());
		List<QueueDefinition> definitions = new ArrayList<>();
		properties.getQueues().forEach((name, queue) -> {
			String property = "redis-starter.queue.queues." + name;
			try {
				definitions.add(new QueueDefinition(name, queue.getConcurrency(), options(queue).over(shared)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidRedisSettingException(property, name, ex.getMessage(),
						"a queue name of " + QueueDefinition.NAME_FORM
								+ ", a concurrency of 1 or more, attempts of 1 or more, keep counts of 0 or more");
			}
		});
		return definitions;
	}

	private static JobOptions options(QueueProperties.Options options) {
		JobOptions result = JobOptions.DEFAULTS;
		if (options.getAttempts() != null) {
			result = result.withAttempts(options.getAttempts());
		}
		if (options.getBackoff() != null) {
			result = result.withBackoff(options.getBackoff());
		}
		if (options.getKeepCompleted() != null) {
			result = result.withKeepCompleted(options.getKeepCompleted());
		}
		if (options.getKeepFailed() != null) {
			result = result.withKeepFailed(options.getKeepFailed());
		}
		if (options.getKeepFor() != null) {
			result = result.withKeepFor(options.getKeepFor());
		}
		return result;
	}

	/** Only with Redis configured: the in-memory queue has no eviction to fear. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ SharedRedisCommands.class, ServerFacts.class })
	QueueEvictionPolicy redisStarterQueueEvictionPolicy(ServerFacts facts) {
		return new QueueEvictionPolicy(facts);
	}

	@Bean
	static JobHandlerMethods redisStarterJobHandlerMethods() {
		return new JobHandlerMethods();
	}

	@Bean
	static SmartLifecycle redisStarterQueueWorkers(ObjectProvider<ManagedJobQueue> queue,
			ObjectProvider<QueueHandler> handlers, JobHandlerMethods beans, QueueProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<QueueEvictionPolicy> evictionPolicy,
			ObjectProvider<Failover> failover, ObjectProvider<RateLimiter> rateLimiter) {
		return new QueueWorkers(queue, handlers, beans, properties, jsonMapper, rateLimiter, () -> {
			Failover current = failover.getIfAvailable();
			QueueEvictionPolicy policy = evictionPolicy.getIfAvailable();
			return (policy != null && current != null && current.state().endpoint() != null)
					? policy.warningOnceRead(STARTUP_CHECK_WAIT) : null;
		});
	}

	/**
	 * Starts the workers and schedules once every bean is ready, and stops them first at
	 * shutdown (running jobs finish within the shutdown timeout or go back to the queue).
	 */
	static final class QueueWorkers implements SmartLifecycle {

		private final ObjectProvider<ManagedJobQueue> queue;

		private final ObjectProvider<QueueHandler> handlers;

		private final JobHandlerMethods methods;

		private final QueueProperties properties;

		private final ObjectProvider<JsonMapper> jsonMapper;

		private final AtomicBoolean running = new AtomicBoolean();

		private final Supplier<@Nullable String> evictionWarning;

		private final ObjectProvider<RateLimiter> rateLimiter;

		QueueWorkers(ObjectProvider<ManagedJobQueue> queue, ObjectProvider<QueueHandler> handlers,
				JobHandlerMethods methods, QueueProperties properties, ObjectProvider<JsonMapper> jsonMapper,
				ObjectProvider<RateLimiter> rateLimiter, Supplier<@Nullable String> evictionWarning) {
			this.evictionWarning = evictionWarning;
			this.rateLimiter = rateLimiter;
			this.queue = queue;
			this.handlers = handlers;
			this.methods = methods;
			this.properties = properties;
			this.jsonMapper = jsonMapper;
		}

		@Override
		public void start() {
			ManagedJobQueue queue = this.queue.getIfAvailable();
			if (queue == null || !this.running.compareAndSet(false, true)) {
				return;
			}
			Map<String, QueueHandler> byQueue = new LinkedHashMap<>();
			this.handlers.orderedStream().forEach((handler) -> add(byQueue, handler));
			this.methods.handlers().forEach((handler) -> add(byQueue, handler));
			byQueue.values().forEach((handler) -> queue.handle(handler, throttle(handler.queue())));
			repeatables().forEach(queue::repeat);
			// Off the startup path: it waits for the first reading of Redis' policy.
			DaemonThreads.named("queue-eviction-check").newThread(() -> {
				String warning = this.evictionWarning.get();
				if (warning != null) {
					logger.warn(warning);
				}
			}).start();
		}

		/**
		 * The pace of {@code redis-starter.queue.queues.<queue>.rate-limit}: the rate
		 * limit checked under the queue's name, so shared by every instance.
		 */
		private @Nullable JobThrottle throttle(String queueName) {
			QueueProperties.Queue queue = this.properties.getQueues().get(queueName);
			String limit = (queue != null) ? queue.getRateLimit() : null;
			if (limit == null || limit.isBlank()) {
				return null;
			}
			String property = "redis-starter.queue.queues." + queueName + ".rate-limit";
			RateLimiter limiter = this.rateLimiter.getIfAvailable();
			if (limiter == null) {
				throw new InvalidRedisSettingException(property, limit, "the rate limiter is off",
						"the name of a limit of redis-starter.rate-limit.limits, with the rate limiter on");
			}
			List<String> names = limiter.limits().all().stream().map(RateLimit::name).sorted().toList();
			if (!names.contains(limit)) {
				throw new InvalidRedisSettingException(property, limit, "no rate limit has that name",
						"one of " + names + " (redis-starter.rate-limit.limits)");
			}
			return (name) -> {
				Decision decision = limiter.tryAcquire(limit, name);
				return decision.allowed() ? Duration.ZERO : decision.retryAfter();
			};
		}

		private static void add(Map<String, QueueHandler> byQueue, QueueHandler handler) {
			QueueHandler other = byQueue.putIfAbsent(handler.queue(), handler);
			if (other != null) {
				throw new IllegalStateException("Queue '" + handler.queue() + "' has two handlers: " + other + " and "
						+ handler + ". A queue has one handler per instance");
			}
		}

		private List<RepeatableJob> repeatables() {
			JsonMapper json = this.jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
			List<RepeatableJob> jobs = new ArrayList<>();
			this.properties.getQueues().forEach((queueName, queue) -> queue.getRepeat().forEach((key, repeat) -> {
				String property = "redis-starter.queue.queues." + queueName + ".repeat." + key;
				// A blank cron is unset: a profile can swap a cron for an interval.
				boolean cron = StringUtils.hasText(repeat.getCron());
				try {
					if (cron == (repeat.getEvery() != null)) {
						throw new IllegalArgumentException("set 'cron' or 'every', one of them");
					}
					Schedule schedule = cron ? Schedule.cron(repeat.getCron(), repeat.getZone())
							: Schedule.every(repeat.getEvery());
					Object payload = (repeat.getPayload() != null) ? json.readTree(repeat.getPayload()) : null;
					String jobName = (repeat.getJobName() != null) ? repeat.getJobName() : key;
					jobs.add(new RepeatableJob(key, queueName, jobName, payload, schedule));
				}
				catch (RuntimeException ex) {
					throw new InvalidRedisSettingException(property,
							String.valueOf((repeat.getCron() != null) ? repeat.getCron() : repeat.getEvery()),
							ex.getMessage(),
							"'cron' (six fields, such as '0 0 3 * * *') or 'every' (such as '10s'), and a payload of"
									+ " JSON text");
				}
			}));
			return jobs;
		}

		@Override
		public void stop() {
			if (this.running.compareAndSet(true, false)) {
				ManagedJobQueue queue = this.queue.getIfAvailable();
				if (queue != null) {
					queue.close();
				}
			}
		}

		@Override
		public boolean isRunning() {
			return this.running.get();
		}

	}

}
