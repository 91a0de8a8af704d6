package io.github.redisstarter.autoconfigure;

import io.github.redisstarter.cache.RoleCache;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a {@link RoleCache} that was asked for but not made: the starter makes it from
 * the app's {@code RoleLoader} bean, which Boot's own analysis ("consider defining a bean
 * of type RoleCache") never names. Ordered before Boot's analyzer of missing beans.
 */
class MissingRoleLoaderFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		Class<?> wanted = cause.getBeanType();
		if (wanted == null || !RoleCache.class.isAssignableFrom(wanted)) {
			return null;
		}
		return new FailureAnalysis(
				"A RoleCache was asked for, but none exists: the starter makes the RoleCache from"
						+ " a RoleLoader<R> bean of the app, and there is none (or the cache is off with"
						+ " redis-starter.cache.enabled=false).",
				"Declare how a role is loaded, for example:\n\n    @Bean\n    RoleLoader<Role> roleLoader(RoleRepository"
						+ " repository) {\n        return repository::findById;   // Optional<Role> for an id\n    }",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
