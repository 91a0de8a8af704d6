package io.github.redisstarter.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The deny cache holds recent denials in bounded memory: in entries, and in bytes. */
class DenyCacheTests {

	private static final RateLimit LIMIT = RateLimit.of("api", Band.parse("1/10s"));

	private static final Decision DENIED = new Decision(false, 1, 0, Duration.ofSeconds(10), Duration.ofSeconds(10), 0,
			Decision.Source.REDIS);

	@Test
	void longKeysAreKeptAsDigestsAndStayApart() {
		DenyCache cache = new DenyCache(1000);
		String header = "k".repeat(8192);
		for (int i = 0; i < 100; i++) {
			cache.remember(LIMIT, header + i, 1, DENIED);
		}
		assertThat(cache.keptKeys()).hasSize(100).allSatisfy((key) -> assertThat(key.length()).isLessThanOrEqualTo(44));
		assertThat(cache.lookup(LIMIT, header + 7, 1)).isNotNull();
		assertThat(cache.lookup(LIMIT, header + 100, 1)).isNull();
		cache.forget(LIMIT, header + 7);
		assertThat(cache.lookup(LIMIT, header + 7, 1)).isNull();
	}

}
