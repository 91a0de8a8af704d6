package io.github.redisstarter.sample.roles;

import java.util.List;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The role names, cached with Spring's annotations: the starter's CacheManager keeps them
 * in its two-level caches, so an eviction on one instance reaches every instance.
 */
@Service
public class RoleNames {

	private final RoleRepository repository;

	RoleNames(RoleRepository repository) {
		this.repository = repository;
	}

	/** Every role's name, from the cache "role-names" or the database. */
	@Cacheable(cacheNames = "role-names", key = "'all'")
	public List<String> all() {
		return this.repository.findAll().stream().map(Role::name).toList();
	}

	/** Call after a change: every instance forgets the names. */
	@CacheEvict(cacheNames = "role-names", allEntries = true)
	public void changed() {
	}

}
