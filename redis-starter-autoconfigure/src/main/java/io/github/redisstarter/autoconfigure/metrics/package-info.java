/**
 * Micrometer meters of the backend: which mode is in force, and how often it switched.
 */
@NullMarked
package io.github.redisstarter.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
