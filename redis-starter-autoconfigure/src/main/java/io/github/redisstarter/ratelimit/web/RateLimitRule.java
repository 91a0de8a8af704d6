package io.github.redisstarter.ratelimit.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Limits requests by path (and optionally method), without touching the controller: what
 * {@code redis-starter.rate-limit.web.rules} defines.
 *
 * @param paths the path patterns, Spring's {@link PathPattern} syntax ({@code /api/**})
 * @param methods the HTTP methods, upper case; empty for all
 * @param check the limit, key expression and cost
 */
public record RateLimitRule(List<PathPattern> paths, Set<String> methods, Check check) {

	public static RateLimitRule of(List<String> paths, List<String> methods, String limit, String key, long cost) {
		List<PathPattern> patterns = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
		Set<String> upper = methods.stream().map((m) -> m.strip().toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
		return new RateLimitRule(patterns, upper, new Check(limit, key, cost));
	}

	boolean matches(String method, PathContainer path) {
		if (!this.methods.isEmpty() && !this.methods.contains(method)) {
			return false;
		}
		for (PathPattern pattern : this.paths) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The URI variables the first matching path pattern captures, if the rule applies.
	 */
	Map<String, String> variables(String method, PathContainer path) {
		if (!this.methods.isEmpty() && !this.methods.contains(method)) {
			return Map.of();
		}
		for (PathPattern pattern : this.paths) {
			PathPattern.PathMatchInfo info = pattern.matchAndExtract(path);
			if (info != null) {
				return info.getUriVariables();
			}
		}
		return Map.of();
	}

	/**
	 * One check of a request: a limit, the expression of its key, and the permits it
	 * takes.
	 */
	public record Check(String limit, String key, long cost) {
	}

}
