package io.github.redisstarter.cache;

import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a cached answer (a value, or empty for "none") into the bytes stored in Redis,
 * and back.
 */
public interface CacheCodec<V> {

	byte[] encode(Optional<V> value);

	/**
	 * @throws RuntimeException when the bytes are not a value of this type (a class
	 * changed since they were written): the cache then deletes them and loads afresh
	 */
	Optional<V> decode(byte[] bytes);

	/**
	 * Values of {@code type} as JSON written and read by {@code mapper}, "none" as JSON
	 * {@code null}: what {@link TwoLevelCacheFactory#create(String, Class, CacheLoader)}
	 * uses.
	 */
	static <V> CacheCodec<V> json(JsonMapper mapper, Class<V> type) {
		return new JsonCacheCodec<>(mapper, type);
	}

}
