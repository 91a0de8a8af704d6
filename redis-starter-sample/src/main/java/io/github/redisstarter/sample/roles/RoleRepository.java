package io.github.redisstarter.sample.roles;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The roles table, the source of truth behind the RoleCache. Plain SQL that H2 and
 * PostgreSQL both run; permissions are one comma-separated column.
 */
@Repository
public class RoleRepository {

	private final JdbcClient jdbc;

	RoleRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<Role> findAll() {
		return this.jdbc.sql("SELECT id, name, permissions FROM roles ORDER BY id").query(this::role).list();
	}

	public Optional<Role> findById(String id) {
		return this.jdbc.sql("SELECT id, name, permissions FROM roles WHERE id = ?")
			.param(id)
			.query(this::role)
			.optional();
	}

	/**
	 * @return whether the role existed
	 */
	public boolean update(Role role) {
		return this.jdbc.sql("UPDATE roles SET name = ?, permissions = ? WHERE id = ?")
			.params(role.name(), String.join(",", role.permissions()), role.id())
			.update() == 1;
	}

	/**
	 * Inserts the role unless one with its id exists: safe when two instances seed at
	 * once.
	 */
	public void insertIfAbsent(Role role) {
		if (findById(role.id()).isPresent()) {
			return;
		}
		try {
			this.jdbc.sql("INSERT INTO roles (id, name, permissions) VALUES (?, ?, ?)")
				.params(role.id(), role.name(), String.join(",", role.permissions()))
				.update();
		}
		catch (DuplicateKeyException ex) {
			// Another instance seeded it first.
		}
	}

	private Role role(java.sql.ResultSet row, int rowNum) throws java.sql.SQLException {
		String permissions = row.getString("permissions");
		return new Role(row.getString("id"), row.getString("name"),
				permissions.isEmpty() ? List.of() : Arrays.asList(permissions.split(",")));
	}

}
