package io.github.redisstarter.autoconfigure.health;

import io.github.redisstarter.autoconfigure.QueueAutoConfiguration;
import io.github.redisstarter.autoconfigure.QueueEvictionPolicy;
import io.github.redisstarter.connection.BackendState;
import io.github.redisstarter.queue.ManagedJobQueue;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code queues} health component, for an app with the starter's job queue. */
@AutoConfiguration(after = QueueAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ ManagedJobQueue.class, BackendState.class })
@ConditionalOnEnabledHealthIndicator("queues")
public final class QueueHealthAutoConfiguration {

	@Bean(name = "queuesHealthContributor")
	@ConditionalOnMissingBean(name = "queuesHealthContributor")
	QueueHealthIndicator queuesHealthContributor(BackendState state,
			ObjectProvider<QueueEvictionPolicy> evictionPolicy) {
		return new QueueHealthIndicator(state, evictionPolicy.getIfAvailable());
	}

}
