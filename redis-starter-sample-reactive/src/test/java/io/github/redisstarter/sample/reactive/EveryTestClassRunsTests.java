package io.github.redisstarter.sample.reactive;

import io.github.redisstarter.test.TestClassNames;
import org.junit.jupiter.api.Test;

/** Every class of this module that holds tests is one Surefire runs: none is skipped. */
class EveryTestClassRunsTests {

	@Test
	void everyClassThatHoldsTestsIsNamedSoThatSurefireRunsIt() {
		TestClassNames.assertSurefireRunsEveryTestClass();
	}

}
