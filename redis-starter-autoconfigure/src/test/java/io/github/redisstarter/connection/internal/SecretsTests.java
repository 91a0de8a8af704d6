package io.github.redisstarter.connection.internal;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTests {

	@Test
	void masksUrlUserInfoKeepingTheUsername() {
		Secrets secrets = Secrets.none();
		assertThat(secrets.mask("rediss://app:s3cret@host:6380/2")).isEqualTo("rediss://app:******@host:6380/2");
		assertThat(secrets.mask("redis://:s3cret@host")).isEqualTo("redis://:******@host");
		assertThat(secrets.mask("redis://s3cret@host")).isEqualTo("redis://******@host");
		assertThat(secrets.mask("redis://host:6379")).isEqualTo("redis://host:6379");
	}

	@Test
	void masksPasswordsContainingAtSignsAndUrlsInsideSentences() {
		assertThat(Secrets.none().mask("failed for 'redis://u:p@ss@host:1' and redis://x:y@other/0 too"))
			.isEqualTo("failed for 'redis://u:******@host:1' and redis://x:******@other/0 too");
	}

	@Test
	void masksKnownPasswordsAnywhere() {
		Secrets secrets = Secrets.of(Arrays.asList("pw", "longer-pw", null, " "));
		assertThat(secrets.mask("auth longer-pw then pw")).isEqualTo("auth ****** then ******");
		assertThat(secrets.mask(null)).isEmpty();
	}

}
