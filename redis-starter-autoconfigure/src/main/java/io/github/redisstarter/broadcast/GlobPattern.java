package io.github.redisstarter.broadcast;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis' glob-style matching (as PSUBSCRIBE reads a pattern), for delivering within the instance exactly what Redis
 * would deliver: {@code *}, {@code ?}, {@code [set]}, {@code [^set]}, {@code [a-z]} and {@code \} escapes. Matching
 * takes time proportional to pattern times text at worst, however many stars a pattern holds: channel names are
 * caller data and must not be able to make a match run for long.
 */
final class GlobPattern {

	/** One position of a pattern: a star, or a test of one character. */
	private interface Token {

		boolean matches(char c);

	}

	private static final Token STAR = (c) -> true;

	private final String pattern;

	private final Token[] tokens;

	private GlobPattern(String pattern, Token[] tokens) {
		this.pattern = pattern;
		this.tokens = tokens;
	}

	static GlobPattern compile(String pattern) {
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		while (i < pattern.length()) {
			char c = pattern.charAt(i);
			if (c == '*') {
				if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != STAR) {
					tokens.add(STAR);
				}
				i++;
			}
			else if (c == '?') {
				tokens.add((ch) -> true);
				i++;
			}
			else if (c == '[') {
				i = set(pattern, i + 1, tokens);
			}
			else {
				if (c == '\\' && i + 1 < pattern.length()) {
					c = pattern.charAt(++i);
				}
				char literal = c;
				tokens.add((ch) -> ch == literal);
				i++;
			}
		}
		return new GlobPattern(pattern, tokens.toArray(Token[]::new));
	}

	/** Reads a set from just after '[' and adds its token; returns the index after ']' (or the end). */
	private static int set(String pattern, int start, List<Token> tokens) {
		int i = start;
		boolean not = i < pattern.length() && pattern.charAt(i) == '^';
		if (not) {
			i++;
		}
		StringBuilder singles = new StringBuilder();
		List<char[]> ranges = new ArrayList<>();
		while (i < pattern.length() && pattern.charAt(i) != ']') {
			char c = pattern.charAt(i);
			if (c == '\\' && i + 1 < pattern.length()) {
				singles.append(pattern.charAt(++i));
			}
			else if (i + 2 < pattern.length() && pattern.charAt(i + 1) == '-' && pattern.charAt(i + 2) != ']') {
				char from = c;
				char to = pattern.charAt(i + 2);
				ranges.add((from <= to) ? new char[] { from, to } : new char[] { to, from });
				i += 2;
			}
			else {
				singles.append(c);
			}
			i++;
		}
		String members = singles.toString();
		tokens.add((ch) -> {
			boolean in = members.indexOf(ch) >= 0;
			for (char[] range : ranges) {
				in |= ch >= range[0] && ch <= range[1];
			}
			return in != not;
		});
		return Math.min(i + 1, pattern.length());
	}

	boolean matches(String text) {
		Token[] p = this.tokens;
		int pi = 0;
		int si = 0;
		int starAt = -1;
		int resumeAt = 0;
		while (si < text.length()) {
			if (pi < p.length && p[pi] != STAR && p[pi].matches(text.charAt(si))) {
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
		return pi == p.length;
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}
