package io.github.redisstarter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * How the annotated caches' values are written and read back: the type line, and the
 * check of every name in it before a class is loaded.
 */
class SpringValueCodecTests {

	private final SpringValueCodec codec = new SpringValueCodec("things", JsonMapper.builder().build(),
			List.of("io.github.redisstarter.cache.trusted"));

	record Plain(String name) {
	}

	@Test
	void commonJdkValuesComeBackAsTheyLeft() {
		for (Object value : List.of("text", 42L, 7, 2.5, true, new java.math.BigDecimal("1.50"),
				Instant.parse("2026-12-06T10:15:30.123456Z"), UUID.randomUUID(), List.of("a", "b"), Map.of("k", "v"))) {
			Optional<Object> back = this.codec.decode(this.codec.encode(Optional.of(value)));
			assertThat(back).as("%s", value.getClass()).contains(value);
		}
		assertThat(new String(this.codec.encode(Optional.of(List.of("a"))), StandardCharsets.UTF_8))
			.isEqualTo("java.util.List\n[\"a\"]");
		assertThat(this.codec.decode(this.codec.encode(Optional.empty()))).isEmpty();
	}

	@Test
	void aValueOfAnUntrustedTypeIsRefusedWhenStoredNamingThePropertyAndThePackage() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(Optional.of(new Plain("x"))))
			.withMessageContaining("Cache 'things' cannot keep a value of type " + Plain.class.getName())
			.withMessageContaining("add 'io.github.redisstarter.cache' to redis-starter.cache.trusted-packages");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(Optional.of(Thread.State.NEW)))
			.withMessageContaining("java.lang.Thread$State");
	}

	@Test
	void anEntryNamingAnUntrustedTypeIsRefusedBeforeItsClassIsLoaded() {
		String name = "io.github.redisstarter.cache.SpringValueCodecTests$Initialised";
		for (String line : List.of(name, "java.util.List<" + name + ">", name + "[]", "java.lang.ProcessBuilder",
				"java.util.Timer")) {
			assertThatIllegalStateException()
				.isThrownBy(() -> this.codec.decode((line + "\n{}").getBytes(StandardCharsets.UTF_8)))
				.withMessageContaining("untrusted type");
		}
		assertThat(initialised).isFalse();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.codec.decode("java.util.List<java.lang.String\n[]".getBytes(StandardCharsets.UTF_8)))
			.withMessage("bad type line");
		String deep = "java.util.List<".repeat(100) + "java.lang.String" + ">".repeat(100);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.codec.decode((deep + "\n[]").getBytes(StandardCharsets.UTF_8)))
			.withMessage("type line nested too deep");
		String huge = "java.util.List<" + "java.lang.String,".repeat(1000) + "java.lang.String>";
		assertThatIllegalStateException()
			.isThrownBy(() -> this.codec.decode((huge + "\n[]").getBytes(StandardCharsets.UTF_8)))
			.withMessage("type line too long");
	}

	/**
	 * Set when {@link Initialised} is initialised (read here without initialising it).
	 */
	static volatile boolean initialised;

	/** A class whose loading would show: it is never initialised by a refused entry. */
	static final class Initialised {

		static {
			initialised = true;
		}

	}

}
