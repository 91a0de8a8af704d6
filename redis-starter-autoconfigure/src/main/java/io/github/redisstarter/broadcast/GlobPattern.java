package io.github.redisstarter.broadcast;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis' glob-style matching (as PSUBSCRIBE reads a pattern), for delivering within the
 * instance exactly what Redis would deliver: {@code *}, {@code ?}, {@code [set]},
 * {@code [^set]}, {@code [a-z]} and {@code \} escapes, read the way Redis 7 reads them,
 * quirks included. Like Redis it matches the UTF-8 bytes of a name, not its characters:
 * {@code ?} is one byte, and a range compares bytes as C's signed {@code char} does on
 * x86 and ARM64 Linux. Matching takes time proportional to pattern times text at worst,
 * however many stars a pattern holds: channel names are caller data and must not be able
 * to make a match run for long.
 */
final class GlobPattern {

	/**
	 * One position of a pattern: a star, or a test of one byte (as a signed value, the
	 * way Redis compares).
	 */
	private interface Token {

		boolean matches(int b);

	}

	private static final Token STAR = (b) -> true;

	private final String pattern;

	private final Token[] tokens;

	private GlobPattern(String pattern, Token[] tokens) {
		this.pattern = pattern;
		this.tokens = tokens;
	}

	static GlobPattern compile(String pattern) {
		byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		while (i < p.length) {
			byte c = p[i];
			if (c == '*') {
				if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != STAR) {
					tokens.add(STAR);
				}
				i++;
			}
			else if (c == '?') {
				tokens.add((b) -> true);
				i++;
			}
			else if (c == '[') {
				i = set(p, i + 1, tokens);
			}
			else {
				if (c == '\\' && i + 1 < p.length) {
					c = p[++i];
				}
				byte literal = c;
				tokens.add((b) -> b == literal);
				i++;
			}
		}
		return new GlobPattern(pattern, tokens.toArray(Token[]::new));
	}

	/**
	 * Reads a set from just after '[' and adds its token; returns the index after ']' (or
	 * the end). As in Redis, a range is any byte, '-' and one more byte, even when that
	 * byte is ']'; a set left open runs to the pattern's end.
	 */
	private static int set(byte[] p, int start, List<Token> tokens) {
		int i = start;
		boolean not = i < p.length && p[i] == '^';
		if (not) {
			i++;
		}
		List<Byte> singles = new ArrayList<>();
		List<int[]> ranges = new ArrayList<>();
		while (i < p.length && p[i] != ']') {
			byte c = p[i];
			if (c == '\\' && i + 1 < p.length) {
				singles.add(p[++i]);
			}
			else if (i + 2 < p.length && p[i + 1] == '-') {
				int from = c;
				int to = p[i + 2];
				ranges.add((from <= to) ? new int[] { from, to } : new int[] { to, from });
				i += 2;
			}
			else {
				singles.add(c);
			}
			i++;
		}
		byte[] members = new byte[singles.size()];
		for (int m = 0; m < members.length; m++) {
			members[m] = singles.get(m);
		}
		tokens.add((b) -> {
			boolean in = false;
			for (byte member : members) {
				in |= member == b;
			}
			for (int[] range : ranges) {
				in |= b >= range[0] && b <= range[1];
			}
			return in != not;
		});
		return Math.min(i + 1, p.length);
	}

	boolean matches(String name) {
		byte[] text = name.getBytes(StandardCharsets.UTF_8);
		Token[] p = this.tokens;
		int pi = 0;
		int si = 0;
		int starAt = -1;
		int resumeAt = 0;
		while (si < text.length) {
			if (pi < p.length && p[pi] != STAR && p[pi].matches(text[si])) {
				pi++;
				si++;
			}
			else if (pi < p.length && p[pi] == STAR) {
				starAt = pi++;
				resumeAt = si;
			}
			else if (starAt >= 0) {
				pi = starAt + 1;
				si = ++resumeAt;
			}
			else {
				return false;
			}
		}
		while (pi < p.length && p[pi] == STAR) {
			pi++;
		}
		// Redis never matches an empty name, not even with "*" (names are never blank
		// here anyway).
		return pi == p.length && text.length > 0;
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}
