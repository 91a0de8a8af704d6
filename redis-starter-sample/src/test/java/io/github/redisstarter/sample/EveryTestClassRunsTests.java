package io.github.redisstarter.sample;

import java.nio.file.Path;

import io.github.redisstarter.test.TestClassNames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every class of this module that holds tests is one Surefire runs: none is skipped. */
class EveryTestClassRunsTests {

	@Test
	void everyClassThatHoldsTestsIsNamedSoThatSurefireRunsIt() {
		assertThat(TestClassNames.notRunBySurefire(Path.of("target/test-classes")))
			.as("classes with tests that Surefire's default includes (Test*, *Test, *Tests, *TestCase) skip: rename them")
			.isEmpty();
	}

}
