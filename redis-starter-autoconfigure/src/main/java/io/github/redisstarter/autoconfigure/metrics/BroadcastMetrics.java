package io.github.redisstarter.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.broadcast.BroadcastObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Broadcast meters, tagged by channel prefix: {@value #PUBLISHED}, {@value #RECEIVED}
 * (from other instances, through Redis), {@value #DROPPED} (a listener's queue was full)
 * and {@value #FAILED} (a listener threw, or could not decode). The prefix is the channel
 * up to its first ':' (the whole channel when it has none), so that {@code room:42} and
 * {@code room:43} count as {@code room}; after {@value #MAX_PREFIXES} distinct prefixes
 * the rest count as {@value #OTHER}, so that channel names made of data cannot grow the
 * meters without bound.
 */
public class BroadcastMetrics implements MeterBinder, BroadcastObserver {

	public static final String PUBLISHED = "redis.starter.broadcast.published";

	public static final String RECEIVED = "redis.starter.broadcast.received";

	public static final String DROPPED = "redis.starter.broadcast.dropped";

	public static final String FAILED = "redis.starter.broadcast.failed";

	static final int MAX_PREFIXES = 50;

	static final String OTHER = "_other";

	private static final int MAX_PREFIX_LENGTH = 64;

	private final Set<String> prefixes = ConcurrentHashMap.newKeySet();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final List<Map<String, Counter[]>> counters = new CopyOnWriteArrayList<>();

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.counters.add(new ConcurrentHashMap<>());
	}

	@Override
	public void onPublished(String channel) {
		increment(channel, 0);
	}

	@Override
	public void onReceived(String channel) {
		increment(channel, 1);
	}

	@Override
	public void onDropped(String channel) {
		increment(channel, 2);
	}

	@Override
	public void onListenerFailed(String channel, Throwable failure) {
		increment(channel, 3);
	}

	private void increment(String channel, int which) {
		String prefix = prefix(channel);
		for (int i = 0; i < this.counters.size(); i++) {
			MeterRegistry registry = this.registries.get(i);
			this.counters.get(i).computeIfAbsent(prefix, (p) -> counters(registry, p))[which].increment();
		}
	}

	/**
	 * The tag value of a channel: its prefix, or {@value #OTHER} once the prefixes are
	 * many.
	 */
	String prefix(String channel) {
		int colon = channel.indexOf(':');
		String prefix = (colon >= 0) ? channel.substring(0, colon) : channel;
		if (prefix.length() > MAX_PREFIX_LENGTH) {
			prefix = prefix.substring(0, MAX_PREFIX_LENGTH);
		}
		if (this.prefixes.contains(prefix)) {
			return prefix;
		}
		// Once full, nothing more is remembered: a stream of fresh channel names costs no
		// memory.
		if (this.prefixes.size() >= MAX_PREFIXES) {
			return OTHER;
		}
		synchronized (this.prefixes) {
			if (this.prefixes.size() >= MAX_PREFIXES) {
				return OTHER;
			}
			this.prefixes.add(prefix);
			return prefix;
		}
	}

	/** How many prefixes are remembered (at most {@value #MAX_PREFIXES}). */
	int rememberedPrefixes() {
		return this.prefixes.size();
	}

	private static Counter[] counters(MeterRegistry registry, String prefix) {
		return new Counter[] { counter(registry, PUBLISHED, prefix, "Messages this instance published"),
				counter(registry, RECEIVED, prefix, "Messages from other instances received through Redis"),
				counter(registry, DROPPED, prefix, "Messages not given to a listener whose queue was full"),
				counter(registry, FAILED, prefix, "Listener calls that threw or could not decode the message") };
	}

	private static Counter counter(MeterRegistry registry, String name, String prefix, String description) {
		return Counter.builder(name).tag("channel", prefix).description(description).register(registry);
	}

}
