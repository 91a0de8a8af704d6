package io.github.redisstarter.autoconfigure.endpoint;

import io.github.redisstarter.autoconfigure.QueueAutoConfiguration;
import io.github.redisstarter.autoconfigure.QueueProperties;
import io.github.redisstarter.queue.ManagedJobQueue;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code queues} endpoint, when the app has the actuator, a job queue of the
 * starter's, and exposes the endpoint
 * ({@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = QueueAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(ManagedJobQueue.class)
@ConditionalOnAvailableEndpoint(QueuesEndpoint.class)
public final class QueuesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QueuesEndpoint redisStarterQueuesEndpoint(ManagedJobQueue queue, QueueProperties properties) {
		return new QueuesEndpoint(queue, properties.getEndpoint().isShowPayloads());
	}

}
