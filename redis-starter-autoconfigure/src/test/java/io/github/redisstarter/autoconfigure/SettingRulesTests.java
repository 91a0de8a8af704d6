package io.github.redisstarter.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A rule's error names the property the app set; an error no setting of the app caused is
 * left as it is.
 */
class SettingRulesTests {

	@Test
	void aBrokenRuleNamesThePropertyItsValueAndTheAcceptedForm() {
		MockEnvironment environment = new MockEnvironment().withProperty("redis-starter.broadcast.max-message-size",
				"0B");
		assertThatExceptionOfType(InvalidRedisSettingException.class)
			.isThrownBy(() -> SettingRules.apply(environment, "redis-starter.broadcast", "sizes such as 64KB", () -> {
				throw new IllegalArgumentException("'maxMessageBytes' must be positive, got 0");
			}))
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("redis-starter.broadcast.max-message-size");
				assertThat(ex.getMaskedValue()).isEqualTo("0B");
				assertThat(ex.getReason())
					.isEqualTo("redis-starter.broadcast.max-message-size must be positive, got 0");
				assertThat(ex.getAcceptedForm()).isEqualTo("sizes such as 64KB");
			});
	}

	@Test
	void aRuleBetweenTwoSettingsNamesTheOneTheAppSet() {
		MockEnvironment environment = new MockEnvironment().withProperty("redis-starter.call-deadline", "1s");
		assertThatExceptionOfType(InvalidRedisSettingException.class)
			.isThrownBy(() -> SettingRules.apply(environment, "redis-starter", "durations", () -> {
				throw new IllegalArgumentException(
						"'maxCallDeadline' (PT0.5S) must not be shorter than 'callDeadline' (PT1S)");
			}))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("redis-starter.call-deadline"));
	}

	@Test
	void anErrorThatNamesNoSettingOfTheAppIsNotReportedAsOne() {
		IllegalArgumentException own = new IllegalArgumentException("'state' must be the starter's own BackendState");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SettingRules.apply(new MockEnvironment(), "redis-starter.rate-limit", "anything", () -> {
				throw own;
			}))
			.isSameAs(own);
	}

	@Test
	void settingsThatKeepTheRulesAreReturned() {
		assertThat(SettingRules.apply(new MockEnvironment(), "redis-starter", "durations",
				() -> SettingRules.positive("callDeadline", Duration.ofMillis(100))))
			.isEqualTo(Duration.ofMillis(100));
	}

}
