package io.github.redisstarter.autoconfigure.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channel names are caller data: the metrics' tags, and what they remember, stay bounded
 * however many there are.
 */
class BroadcastMetricsTests {

	@Test
	void aStreamOfFreshChannelPrefixesCostsNoMemoryOnceTheTagsAreFull() {
		BroadcastMetrics metrics = new BroadcastMetrics();
		for (int i = 0; i < 100_000; i++) {
			metrics.prefix("user-" + i + ":inbox");
		}
		assertThat(metrics.rememberedPrefixes()).isEqualTo(BroadcastMetrics.MAX_PREFIXES);
		assertThat(metrics.prefix("user-3:inbox")).isEqualTo("user-3");
		assertThat(metrics.prefix("user-99999:inbox")).isEqualTo(BroadcastMetrics.OTHER);
	}

}
