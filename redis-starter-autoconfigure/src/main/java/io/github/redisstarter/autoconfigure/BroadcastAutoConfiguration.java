package io.github.redisstarter.autoconfigure;

import java.util.List;

import io.github.redisstarter.broadcast.BroadcastObserver;
import io.github.redisstarter.broadcast.BroadcastSettings;
import io.github.redisstarter.broadcast.Broadcaster;
import io.github.redisstarter.broadcast.Broadcasters;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.connection.Failover;
import io.github.redisstarter.connection.internal.RedisSubscriber;
import io.github.redisstarter.connection.internal.SharedRedisCommands;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@link Broadcaster}: on Redis pub/sub when Redis is configured (following the
 * backend across outages), within the instance otherwise.
 */
@AutoConfiguration(after = RedisStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(JsonMapper.class)
@ConditionalOnBean(Failover.class)
@ConditionalOnProperty(prefix = "redis-starter.broadcast", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BroadcastProperties.class)
public final class BroadcastAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Broadcaster redisStarterBroadcaster(Failover failover, BroadcastProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<BroadcastObserver> observers,
			ObjectProvider<SharedRedisCommands> commands, ObjectProvider<RedisSubscriber> subscriber,
			Environment environment) {
		BroadcastSettings settings = SettingRules.apply(environment, "redis-starter.broadcast",
				"positive counts, and positive sizes such as 64KB or 1MB",
				() -> new BroadcastSettings(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
						properties.getListenerThreads(), properties.getMaxPending(),
						properties.getMaxMessageSize().toBytes(), properties.getMaxPendingSize().toBytes()));
		List<BroadcastObserver> all = observers.orderedStream().toList();
		BroadcastObserver observer = (all.size() == 1) ? all.get(0) : new CompositeObserver(all);
		SharedRedisCommands redis = commands.getIfAvailable();
		RedisSubscriber redisSubscriber = subscriber.getIfAvailable();
		BackendState state = failover.state();
		if (state.endpoint() == null || redis == null || redisSubscriber == null) {
			return Broadcasters.inMemory(settings, observer);
		}
		String nodeId = (properties.getNodeId() != null) ? properties.getNodeId() : Broadcasters.randomNodeId();
		return Broadcasters.onRedis(redis, redisSubscriber, failover, nodeId, settings, observer);
	}

	/** Tells several observers, in order. */
	private record CompositeObserver(List<BroadcastObserver> observers) implements BroadcastObserver {

		@Override
		public void onPublished(String channel) {
			this.observers.forEach((o) -> o.onPublished(channel));
		}

		@Override
		public void onReceived(String channel) {
			this.observers.forEach((o) -> o.onReceived(channel));
		}

		@Override
		public void onDropped(String channel) {
			this.observers.forEach((o) -> o.onDropped(channel));
		}

		@Override
		public void onListenerFailed(String channel, Throwable failure) {
			this.observers.forEach((o) -> o.onListenerFailed(channel, failure));
		}

	}

}
