/**
 * Reactor forms of the capabilities, for WebFlux and other reactive apps:
 * {@link io.github.redisstarter.reactive.ReactiveAdapters}. Needs Reactor on the
 * classpath; nothing else in the starter does.
 */
@NullMarked
package io.github.redisstarter.reactive;

import org.jspecify.annotations.NullMarked;
