package io.github.redisstarter.cache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

/**
 * Values as JSON (Jackson 3); "none" as the JSON literal {@code null}, which no value
 * serialises to.
 */
final class JsonCacheCodec<V> implements CacheCodec<V> {

	private static final byte[] NONE = "null".getBytes(StandardCharsets.US_ASCII);

	private final JsonMapper mapper;

	private final Class<V> type;

	JsonCacheCodec(JsonMapper mapper, Class<V> type) {
		this.mapper = mapper;
		this.type = type;
	}

	@Override
	public byte[] encode(Optional<V> value) {
		return value.isPresent() ? this.mapper.writeValueAsBytes(value.get()) : NONE;
	}

	@Override
	public Optional<V> decode(byte[] bytes) {
		if (Arrays.equals(bytes, NONE)) {
			return Optional.empty();
		}
		V value = this.mapper.readValue(bytes, this.type);
		if (value == null) {
			throw new IllegalStateException("decoded no " + this.type.getSimpleName());
		}
		return Optional.of(value);
	}

}
