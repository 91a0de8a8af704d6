package io.github.redisstarter.broadcast;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local pattern matching agrees with Redis' (the Redis broadcaster tests check the same
 * patterns against Redis).
 */
class GlobPatternTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "news.*|news.sport|true", "news.*|news.|true", "news.*|news|false", "h?llo|hello|true",
					"h?llo|hllo|false", "h[ae]llo|hallo|true", "h[ae]llo|hillo|false", "h[^e]llo|hallo|true",
					"h[^e]llo|hello|false", "h[a-c]llo|hbllo|true", "h[c-a]llo|hbllo|true", "h[a-c]llo|hdllo|false",
					"a\\*b|a*b|true", "a\\*b|axb|false", "*|anything|true", "*a*b|xaxxb|true", "*a*b|xaxxbc|false",
					"a**b|ab|true", "[a|a|true", "?|é|false", "??|é|true", "[a-]b|]|true" })
	void matchesLikeRedis(String pattern, String text, boolean expected) {
		assertThat(GlobPattern.compile(pattern).matches(text)).isEqualTo(expected);
	}

	@Test
	void manyStarsOnALongChannelTakeNoTime() {
		GlobPattern pattern = GlobPattern.compile("*a*a*a*a*a*a*a*a*a*a*b");
		String channel = "a".repeat(100_000);
		long start = System.nanoTime();
		assertThat(pattern.matches(channel)).isFalse();
		// Linear-times-pattern, not exponential: generous bound for a busy machine.
		assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
	}

}
