package io.github.redisstarter.cache;

import java.util.Optional;

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

}
