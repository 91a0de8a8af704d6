/**
 * Spring Boot wiring of the starter: one auto-configuration per capability, the
 * {@code redis-starter.*} properties, the {@code REDIS_*} environment aliases, and
 * failure analyzers that turn a bad setting into a clear message.
 */
@NullMarked
package io.github.redisstarter.autoconfigure;

import org.jspecify.annotations.NullMarked;
