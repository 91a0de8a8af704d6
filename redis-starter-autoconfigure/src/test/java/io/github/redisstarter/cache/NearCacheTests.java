package io.github.redisstarter.cache;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache never keeps a copy that an eviction or a clear has overtaken, however
 * the threads interleave.
 */
class NearCacheTests {

	@Test
	void anEvictionThatComesWhileACopyIsBeingKeptIsNotLost() throws Exception {
		NearCache<String> near = new NearCache<>(100);
		Thread[] evicter = new Thread[1];
		near.put("admin", Optional.of("old"), Duration.ofMinutes(1), near.generation(), () -> {
			// The load was not overtaken when asked; an eviction arrives right then,
			// before the copy is in.
			evicter[0] = new Thread(() -> near.invalidate("admin", () -> {
			}));
			evicter[0].start();
			try {
				evicter[0].join(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return false;
		});
		evicter[0].join();
		assertThat(near.get("admin")).isNull();
	}

	@Test
	void aCopyOfALoadThatBeganBeforeAClearIsNeverServed() {
		NearCache<String> near = new NearCache<>(100);
		long loadBegan = near.generation();
		near.clear();
		near.put("admin", Optional.of("old"), Duration.ofMinutes(1), loadBegan, () -> false);
		assertThat(near.get("admin")).isNull();
		near.put("admin", Optional.of("new"), Duration.ofMinutes(1), near.generation(), () -> false);
		assertThat(near.get("admin")).contains("new");
	}

}
