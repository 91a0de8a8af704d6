package io.github.redisstarter.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named limit: one or more {@link Band}s checked together, all-or-nothing (say 10 per
 * second and 1000 per hour), and what to do while Redis is away. Define them in
 * properties ({@code redis-starter.rate-limit.limits.<name>}) or as beans.
 *
 * @param name a name of letters, digits, '.', '_' or '-'; it tags metrics and scopes
 * keys, so limits never share a budget by accident
 * @param bands the bands, at least one
 * @param outagePolicy what happens while a configured Redis is away
 */
public record RateLimit(String name, List<Band> bands, OutagePolicy outagePolicy) {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	/** The form a limit name takes. */
	public static final String NAME_FORM = "1 to 64 letters, digits, '.', '_' or '-'";

	public RateLimit {
		Objects.requireNonNull(name, "'name' must not be null");
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("'name' must be " + NAME_FORM + ", got '" + name + "'");
		}
		Objects.requireNonNull(bands, "'bands' must not be null");
		if (bands.isEmpty()) {
			throw new IllegalArgumentException("'bands' of rate limit '" + name + "' must hold at least one band");
		}
		bands = List.copyOf(bands);
		Objects.requireNonNull(outagePolicy, "'outagePolicy' must not be null");
	}

	/** A limit with the default outage policy, {@link OutagePolicy#FALLBACK}. */
	public static RateLimit of(String name, Band... bands) {
		return new RateLimit(name, List.of(bands), OutagePolicy.FALLBACK);
	}

	public RateLimit withOutagePolicy(OutagePolicy policy) {
		return new RateLimit(this.name, this.bands, policy);
	}

	/**
	 * The longest period of its bands: after that long untouched, a key's budget is full
	 * again.
	 */
	public Duration longestPeriod() {
		return this.bands.stream().map(Band::period).max(Duration::compareTo).orElseThrow();
	}

	/** The fewest permits of its bands: no single request may cost more. */
	public long smallestPermits() {
		return this.bands.stream().mapToLong(Band::permits).min().orElseThrow();
	}

	@Override
	public String toString() {
		return this.name + this.bands + " (outage: "
				+ this.outagePolicy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")";
	}

}
