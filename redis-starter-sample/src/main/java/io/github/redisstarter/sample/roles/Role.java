package io.github.redisstarter.sample.roles;

import java.util.List;

/**
 * A role and the permissions it grants: a row of the roles table, and the value the
 * RoleCache keeps.
 */
public record Role(String id, String name, List<String> permissions) {

	public Role {
		permissions = List.copyOf(permissions);
	}

}
