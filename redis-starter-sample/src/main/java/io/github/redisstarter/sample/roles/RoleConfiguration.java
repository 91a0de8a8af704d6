package io.github.redisstarter.sample.roles;

import io.github.redisstarter.cache.RoleLoader;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * All the starter needs for a RoleCache&lt;Role&gt;: a loader that reads a role from the
 * database.
 */
@Configuration(proxyBeanMethods = false)
class RoleConfiguration {

	@Bean
	RoleLoader<Role> roleLoader(RoleRepository repository) {
		return repository::findById;
	}

}
