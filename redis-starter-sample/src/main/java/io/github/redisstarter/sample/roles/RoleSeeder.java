package io.github.redisstarter.sample.roles;

import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * A few roles to play with, seeded idempotently: every instance may run it, at the same
 * time or not.
 */
@Component
class RoleSeeder implements ApplicationRunner {

	static final List<Role> ROLES = List.of(
			new Role("admin", "Administrator", List.of("users:read", "users:write", "roles:read", "roles:write")),
			new Role("editor", "Editor", List.of("posts:read", "posts:write")),
			new Role("viewer", "Viewer", List.of("posts:read")));

	private final RoleRepository roles;

	RoleSeeder(RoleRepository roles) {
		this.roles = roles;
	}

	@Override
	public void run(ApplicationArguments args) {
		ROLES.forEach(this.roles::insertIfAbsent);
	}

}
