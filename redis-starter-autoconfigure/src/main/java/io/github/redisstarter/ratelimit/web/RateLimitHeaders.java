package io.github.redisstarter.ratelimit.web;

import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;

import io.github.redisstarter.ratelimit.Band;
import io.github.redisstarter.ratelimit.Decision;
import io.github.redisstarter.ratelimit.RateLimit;

/**
 * The response headers of limited requests: {@code RateLimit-Policy} and
 * {@code RateLimit} as in the IETF draft (draft-ietf-httpapi-ratelimit-headers,
 * structured fields), {@code Retry-After} on a denial, and the legacy
 * {@code X-RateLimit-*} trio on request.
 *
 * <pre>
 * RateLimit-Policy: "ping";q=5;w=10
 * RateLimit: "ping";r=0;t=10
 * </pre>
 *
 * A limit with several bands lists each as its own policy, named {@code "<limit>:<band>"}
 * such as {@code "api:10/1s"}; {@code RateLimit} names the band that decided.
 */
final class RateLimitHeaders {

	static final String POLICY = "RateLimit-Policy";

	static final String RATE_LIMIT = "RateLimit";

	static final String RETRY_AFTER = "Retry-After";

	private RateLimitHeaders() {
	}

	/** One applied check: its limit and the decision it got. */
	record Applied(RateLimit limit, Decision decision) {
	}

	static String policy(List<Applied> applied) {
		StringJoiner joiner = new StringJoiner(", ");
		for (Applied a : applied) {
			List<Band> bands = a.limit().bands();
			for (int i = 0; i < bands.size(); i++) {
				joiner.add(policyName(a.limit(), i) + ";q=" + bands.get(i).permits() + ";w="
						+ wholeSeconds(bands.get(i).period()));
			}
		}
		return joiner.toString();
	}

	static String rateLimit(List<Applied> applied) {
		StringJoiner joiner = new StringJoiner(", ");
		for (Applied a : applied) {
			Decision d = a.decision();
			joiner.add(policyName(a.limit(), d.band()) + ";r=" + d.remaining() + ";t=" + wholeSeconds(d.resetAfter()));
		}
		return joiner.toString();
	}

	/**
	 * Whole seconds, rounded up, at least 1: what {@code Retry-After} and the draft's
	 * {@code t} and {@code w} take.
	 */
	static long wholeSeconds(Duration duration) {
		long seconds = duration.getSeconds() + ((duration.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	/**
	 * The policy name of a band, quoted: the limit's name, with the band when the limit
	 * has several.
	 */
	private static String policyName(RateLimit limit, int band) {
		String name = (limit.bands().size() == 1) ? limit.name() : limit.name() + ":" + limit.bands().get(band);
		return "\"" + name + "\"";
	}

}
