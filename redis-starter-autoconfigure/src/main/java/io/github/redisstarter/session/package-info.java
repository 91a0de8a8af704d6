/**
 * HTTP sessions (Spring Session) that follow the backend decision: stored in Redis while
 * it is in use, so that every instance of the app knows them, and in this instance's
 * memory, expiring, while Redis is away or not configured.
 * {@link io.github.redisstarter.session.FailoverSessionRepository} is the
 * {@code SessionRepository} behind Spring Session's filter; what an outage means for
 * signed-in users is on that class and in docs/sessions.md.
 */
@NullMarked
package io.github.redisstarter.session;

import org.jspecify.annotations.NullMarked;
