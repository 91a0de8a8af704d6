package io.github.redisstarter.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;

/**
 * When a repeatable job is added: at the ticks of a cron expression (Spring's
 * {@link CronExpression}, six fields with seconds), or every fixed interval counted from
 * the epoch, so that every instance computes the same ticks.
 */
public final class Schedule {

	private final @Nullable CronExpression cron;

	private final ZoneId zone;

	private final @Nullable Duration every;

	private final String text;

	private Schedule(@Nullable CronExpression cron, ZoneId zone, @Nullable Duration every, String text) {
		this.cron = cron;
		this.zone = zone;
		this.every = every;
		this.text = text;
	}

	/** At the ticks of {@code expression}, read in {@code zone}. */
	public static Schedule cron(String expression, ZoneId zone) {
		try {
			return new Schedule(CronExpression.parse(expression), zone, null, "cron '" + expression + "' " + zone);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'cron' must be a cron expression of six fields (second minute hour"
					+ " day-of-month month day-of-week), such as '0 0 3 * * *': " + ex.getMessage(), ex);
		}
	}

	/** At the ticks of {@code expression}, in UTC. */
	public static Schedule cron(String expression) {
		return cron(expression, ZoneId.of("UTC"));
	}

	/** Every {@code interval}, at its multiples since the epoch. */
	public static Schedule every(Duration interval) {
		if (interval == null || interval.toMillis() < 1) {
			throw new IllegalArgumentException("'every' must be at least 1ms, not " + interval);
		}
		return new Schedule(null, ZoneId.of("UTC"), interval, "every " + interval.toMillis() + "ms");
	}

	/** The first tick after {@code after}, or {@code null} when there is none. */
	@Nullable Instant nextAfter(Instant after) {
		if (this.every != null) {
			long interval = this.every.toMillis();
			long next = Math.floorDiv(after.toEpochMilli(), interval) * interval + interval;
			return Instant.ofEpochMilli(next);
		}
		ZonedDateTime next = this.cron.next(after.atZone(this.zone));
		return (next != null) ? next.toInstant() : null;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
