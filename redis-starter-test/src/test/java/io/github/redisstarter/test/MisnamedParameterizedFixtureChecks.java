package io.github.redisstarter.test;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.fail;

/**
 * As {@link MisnamedFixtureChecks}, with only a parameterized test, whose
 * {@code @Testable} sits one annotation deeper ({@code @ParameterizedTest} is a
 * {@code @TestTemplate}): {@link TestClassNames} must find it too.
 */
class MisnamedParameterizedFixtureChecks {

	@ParameterizedTest
	@ValueSource(ints = 1)
	@Tag("fixture") // EveryTestClassRunsTests leaves it out of a list by this tag
	void neverRuns(int value) {
		fail("Surefire's default includes do not match this class; it must not run");
	}

}
