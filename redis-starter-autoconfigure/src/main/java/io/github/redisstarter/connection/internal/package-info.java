/**
 * How the backend decision is made and kept, and what the capabilities share to talk to
 * Redis: the monitor and its failure detector, the state that switches, calls with
 * deadlines, Lua scripts, key encoding, the pub/sub subscriber, the failure rules and
 * secret masking. Public only so that the capabilities' packages can use it: not API, and
 * it may change in any release.
 */
@NullMarked
package io.github.redisstarter.connection.internal;

import org.jspecify.annotations.NullMarked;
