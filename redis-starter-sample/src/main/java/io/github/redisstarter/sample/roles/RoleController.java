package io.github.redisstarter.sample.roles;

import java.util.List;

import io.github.redisstarter.cache.Eviction;
import io.github.redisstarter.cache.RoleCache;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Roles over HTTP. Reads go through the RoleCache (near cache, then Redis, then the
 * database); an update goes to the database and evicts the role in every instance: 200
 * once every instance has dropped it, 202 with Retry-After when Redis could not take the
 * eviction yet (it is retried).
 */
@RestController
class RoleController {

	private final RoleRepository repository;

	private final RoleCache<Role> cache;

	private final RoleNames names;

	RoleController(RoleRepository repository, RoleCache<Role> cache, RoleNames names) {
		this.repository = repository;
		this.cache = cache;
		this.names = names;
	}

	/** Every role, straight from the database. */
	@GetMapping("/api/roles")
	List<Role> all() {
		return this.repository.findAll();
	}

	/** Every role's name, through Spring's cache annotations. */
	@GetMapping("/api/role-names")
	List<String> names() {
		return this.names.all();
	}

	@GetMapping("/api/roles/{id}")
	ResponseEntity<?> one(@PathVariable String id) {
		return this.cache.get(id).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(id));
	}

	@PutMapping("/api/roles/{id}")
	ResponseEntity<?> update(@PathVariable String id, @RequestBody RoleChange change) {
		Role role = new Role(id, change.name(), (change.permissions() != null) ? change.permissions() : List.of());
		if (!this.repository.update(role)) {
			return notFound(id);
		}
		this.names.changed();
		if (this.cache.evict(id) == Eviction.PENDING) {
			// Saved, but Redis could not take the eviction yet: other instances may serve
			// the old role for a moment.
			return ResponseEntity.accepted().header(HttpHeaders.RETRY_AFTER, "1").body(role);
		}
		return ResponseEntity.ok(role);
	}

	private static ResponseEntity<?> notFound(String id) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No role with id '" + id + "'");
		problem.setTitle("Role not found");
		return ResponseEntity.of(problem).build();
	}

	/** The body of a PUT: the new name and permissions. */
	record RoleChange(String name, List<String> permissions) {
	}

}
