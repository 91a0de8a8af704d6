package io.github.redisstarter.cache;

/**
 * The app's loader of roles by id: declare one as a bean, and the starter provides a
 * {@code RoleCache<R>} in front of it. The role type {@code R} is read from the bean's
 * declared type ({@code RoleLoader<Role>}), so a lambda works when the {@code @Bean}
 * method declares it.
 */
@FunctionalInterface
public interface RoleLoader<R> extends CacheLoader<R> {

}
