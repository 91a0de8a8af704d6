package io.github.redisstarter.cache;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in for the app's database of roles, counting the loads that reach it. */
final class Roles implements CacheLoader<Roles.Role> {

	record Role(String id, String name, List<String> permissions) {
	}

	final Map<String, Role> table = new ConcurrentHashMap<>();

	final AtomicInteger loads = new AtomicInteger();

	volatile long delayMillis;

	volatile RuntimeException failure;

	Roles() {
		put(new Role("admin", "Administrator", List.of("users:write", "roles:write")));
		put(new Role("viewer", "Viewer", List.of("users:read")));
	}

	void put(Role role) {
		this.table.put(role.id(), role);
	}

	@Override
	public Optional<Role> load(String id) {
		this.loads.incrementAndGet();
		if (this.delayMillis > 0) {
			try {
				Thread.sleep(this.delayMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		RuntimeException failing = this.failure;
		if (failing != null) {
			throw failing;
		}
		return Optional.ofNullable(this.table.get(id));
	}

}
