package io.github.redisstarter.cache;

import java.util.HashMap;
import java.util.Map;

/**
 * The evictions of one cache that have not reached Redis yet: ids, or the whole cache
 * once there are more than {@value #MAX_IDS} of them (one write then covers them all).
 * Each carries the number of the eviction that made it pending, so that an eviction made
 * while an earlier one of the same id was being delivered stays pending.
 */
final class PendingEvictions {

	static final int MAX_IDS = 100;

	private final Map<String, Long> ids = new HashMap<>();

	private long allSince = -1;

	private long sequence;

	synchronized void add(String id) {
		this.sequence++;
		if (this.allSince >= 0) {
			return;
		}
		this.ids.put(id, this.sequence);
		if (this.ids.size() > MAX_IDS) {
			addAll();
		}
	}

	synchronized void addAll() {
		this.sequence++;
		this.allSince = this.sequence;
		this.ids.clear();
	}

	synchronized boolean isEmpty() {
		return this.allSince < 0 && this.ids.isEmpty();
	}

	/** What is pending now, to deliver. */
	synchronized Batch take() {
		return new Batch(this.allSince >= 0, Map.copyOf(this.ids), this.sequence);
	}

	/**
	 * The batch reached Redis: what it covered is no longer pending, unless evicted again
	 * meanwhile.
	 */
	synchronized void delivered(Batch batch) {
		if (batch.all()) {
			if (this.sequence == batch.sequence()) {
				this.allSince = -1;
			}
			else if (this.allSince >= 0 && this.allSince <= batch.sequence()) {
				// Later evictions were of single ids that the delivered invalidation did
				// not cover; keep them as a whole.
				this.allSince = this.sequence;
			}
			return;
		}
		batch.ids().forEach(this.ids::remove);
	}

	/**
	 * @param all whether the whole cache is to be invalidated
	 * @param ids the ids to evict (when not all), each with the number of its eviction
	 * @param sequence the number of the latest eviction when taken
	 */
	record Batch(boolean all, Map<String, Long> ids, long sequence) {
	}

}
