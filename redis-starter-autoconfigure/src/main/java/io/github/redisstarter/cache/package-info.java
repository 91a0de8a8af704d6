/**
 * Two-level caches in front of the app's database: a near cache in each instance, Redis
 * shared by all, eviction across instances, and freshness rules that hold across Redis
 * outages. {@link io.github.redisstarter.cache.RoleCache} is the one the starter
 * provides; {@link io.github.redisstarter.cache.TwoLevelCacheFactory} makes more.
 */
@NullMarked
package io.github.redisstarter.cache;

import org.jspecify.annotations.NullMarked;
