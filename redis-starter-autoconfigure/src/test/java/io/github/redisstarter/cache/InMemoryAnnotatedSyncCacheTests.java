package io.github.redisstarter.cache;

/**
 * The annotated cache contract on the twin (no Redis configured), with
 * {@code @Cacheable(sync = true)}.
 */
class InMemoryAnnotatedSyncCacheTests extends InMemoryAnnotatedCacheTests {

	@Override
	protected boolean sync() {
		return true;
	}

}
