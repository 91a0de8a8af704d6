package io.github.redisstarter.test;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.fail;

/**
 * A test class named so that Surefire skips it, on purpose:
 * {@link EveryTestClassRunsTests} shows that {@link TestClassNames} finds it. Were it
 * ever run, it would fail.
 */
class MisnamedFixtureChecks {

	@Test
	@Tag("fixture") // EveryTestClassRunsTests leaves it out of a list by this tag
	void neverRuns() {
		fail("Surefire's default includes do not match this class; it must not run");
	}

}
