package io.github.redisstarter.connection.internal;

import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Redis' memory as {@code INFO memory} reports it. With {@code maxmemory} and
 * {@code noeviction}, a full Redis refuses every write (OOM) while it still answers PING
 * and reads; one write that succeeds after a key expired says little, since the app's own
 * writes fill it again at once. A Redis that refused writes is taken back only once it
 * also has {@value #REQUIRED_FREE_PERCENT}% of {@code maxmemory} free.
 *
 * @param used {@code used_memory}, in bytes
 * @param max {@code maxmemory}, in bytes; 0 for no limit
 * @param policy {@code maxmemory_policy}, such as {@code noeviction}
 */
public record RedisMemory(long used, long max, String policy) {

	/**
	 * The share of {@code maxmemory} that must be free before writes count as safe again,
	 * in percent.
	 */
	public static final int REQUIRED_FREE_PERCENT = 10;

	/**
	 * The memory of the fullest node in an {@code INFO memory} reply: a plain one, or a
	 * cluster's, whose keys carry the node's address as a prefix
	 * ({@code 127.0.0.1:7000.used_memory}).
	 * @return {@code null} when the reply has no {@code used_memory}
	 */
	public static @Nullable RedisMemory of(Properties info) {
		RedisMemory fullest = null;
		for (String key : info.stringPropertyNames()) {
			if (!key.equals("used_memory") && !key.endsWith(".used_memory")) {
				continue;
			}
			String node = key.substring(0, key.length() - "used_memory".length());
			RedisMemory memory = new RedisMemory(number(info.getProperty(key)),
					number(info.getProperty(node + "maxmemory", "0")), info.getProperty(node + "maxmemory_policy", ""));
			if (fullest == null || memory.freeShare() < fullest.freeShare()) {
				fullest = memory;
			}
		}
		return fullest;
	}

	/**
	 * Whether the app's writes can be expected to succeed: no limit, a policy that
	 * evicts, or enough free.
	 */
	public boolean hasRoomForWrites() {
		return !"noeviction".equals(this.policy) || freeShare() * 100 >= REQUIRED_FREE_PERCENT;
	}

	/**
	 * Why {@link #hasRoomForWrites()} is false, for a health detail; starts with "OOM" as
	 * Redis' own refusal does.
	 */
	public String describeShortage() {
		return String.format(Locale.ROOT,
				"OOM (checked by the starter): used_memory %d of maxmemory %d with noeviction; Redis is taken back once %d%% is free",
				this.used, this.max, REQUIRED_FREE_PERCENT);
	}

	/** The share of {@code maxmemory} free, from 0 to 1; 1 without a limit. */
	double freeShare() {
		return (this.max <= 0) ? 1 : Math.max(0, this.max - this.used) / (double) this.max;
	}

	private static long number(String text) {
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
