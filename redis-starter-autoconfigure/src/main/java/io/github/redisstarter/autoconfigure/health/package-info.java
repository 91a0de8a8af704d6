/**
 * The actuator health contributor that shows the backend mode and keeps fallback from
 * taking the app DOWN.
 */
@NullMarked
package io.github.redisstarter.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
