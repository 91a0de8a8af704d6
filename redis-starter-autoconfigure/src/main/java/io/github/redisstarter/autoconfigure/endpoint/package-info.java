/**
 * The actuator endpoint of the job queue.
 */
@NullMarked
package io.github.redisstarter.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
