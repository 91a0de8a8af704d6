package io.github.redisstarter.hostile;

import java.util.List;
import java.util.Locale;

import io.github.redisstarter.connection.internal.CallerText;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * What callers may pass as a key, an id or a channel name when it comes from a request,
 * for property tests: any Unicode text (control characters, NUL, lone surrogates), very
 * long text, Redis' own syntax (glob and hash-tag characters, RESP line breaks), and
 * pairs of texts that differ by little.
 */
public final class HostileText {

	/** Characters that mean something to Redis, to RESP, to key encodings or to UTF-8. */
	private static final List<String> SYNTAX = List.of("*", "?", "[", "]", "^", "-", "\\", "{", "}", ":", "#", " ",
			"\t", "\r", "\n", "\u0000", "é", "€", "\uD83D\uDE00", "\uD800", "\uDC00", "a", "b");

	private HostileText() {
	}

	/** Any text, weighted towards what breaks naive code. */
	public static Gen<String> any() {
		Gen<String> anyShort = strings().allPossible().ofLengthBetween(0, 40);
		Gen<String> syntax = lists().of(Generate.pick(SYNTAX))
			.ofSizeBetween(0, 12)
			.map((parts) -> String.join("", parts));
		Gen<String> aroundTheDigestLength = strings().allPossible().ofLengthBetween(120, 140);
		Gen<String> veryLong = strings().allPossible().ofLengthBetween(5_000, 20_000);
		Gen<String> known = Generate.pick(List.of("\r\nFLUSHALL\r\n", "*3\r\n$3\r\nSET\r\n", "{", "}", "{a}", "#digest",
				"*", " ", "\u0000", "\uD800", "\uDC00\uD800", "rl:{api:k}"));
		return anyShort.mix(syntax, 40).mix(aroundTheDigestLength, 10).mix(veryLong, 4).mix(known, 12);
	}

	/**
	 * Two different texts: unrelated, or one made from the other by a small change (one
	 * char more, the last one replaced, the case changed, a surrogate half added), which
	 * is where encodings collide.
	 */
	public static Gen<Pair> distinctPairs() {
		Gen<Pair> unrelated = any().zip(any(), Pair::new);
		Gen<Pair> near = any().zip(integers().between(0, 0xFFFF), integers().between(0, 3),
				(text, c, how) -> new Pair(text, nearby(text, (char) c.intValue(), how)));
		return unrelated.mix(near, 50).assuming((pair) -> !pair.first().equals(pair.second()));
	}

	private static String nearby(String text, char c, int how) {
		return switch (how) {
			case 0 -> text + c;
			case 1 -> text.isEmpty() ? String.valueOf(c) : text.substring(0, text.length() - 1) + c;
			case 2 -> text.toUpperCase(Locale.ROOT);
			default -> text + (Character.isHighSurrogate(c) ? '\uDC00' : '\uD800');
		};
	}

	/**
	 * Two texts; shown escaped and cut, as the starter's messages show caller text, so
	 * that a failure can be read.
	 */
	public record Pair(String first, String second) {

		@Override
		public String toString() {
			return "(" + CallerText.quote(this.first) + ", " + CallerText.quote(this.second) + ")";
		}

	}

}
