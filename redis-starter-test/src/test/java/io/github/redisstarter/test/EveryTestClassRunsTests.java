package io.github.redisstarter.test;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every class of this module that holds tests is one Surefire runs: the two misnamed on
 * purpose (one with a plain, one with a parameterized test) are found, and nothing else.
 */
class EveryTestClassRunsTests {

	private static final String FIXTURE = "io.github.redisstarter.test.MisnamedFixtureChecks";

	private static final String PARAMETERIZED_FIXTURE = "io.github.redisstarter.test.MisnamedParameterizedFixtureChecks";

	private static final Path TEST_CLASSES = Path.of("target/test-classes");

	@Test
	void everyClassThatHoldsTestsIsNamedSoThatSurefireRunsIt() {
		assertThat(TestClassNames.notRunBySurefire(TEST_CLASSES))
			.as("classes with tests that Surefire's default includes (Test*, *Test, *Tests, *TestCase) skip: rename them")
			.containsExactly(FIXTURE, PARAMETERIZED_FIXTURE);
		// What the other modules call: it fails here, on the fixtures.
		assertThatThrownBy(TestClassNames::assertSurefireRunsEveryTestClass).hasMessageContaining(FIXTURE)
			.hasMessageContaining(PARAMETERIZED_FIXTURE);
		TestClassNames.record(TEST_CLASSES, Path.of("target", TestClassNames.RECORD), FIXTURE, PARAMETERIZED_FIXTURE);
	}

	@Test
	void theRecordListsEveryClassWithTestsButTheOnesNotMeantToRun(@TempDir Path dir) throws Exception {
		Path record = dir.resolve("record.txt");
		TestClassNames.record(TEST_CLASSES, record, FIXTURE);
		assertThat(Files.readAllLines(record))
			.contains(EveryTestClassRunsTests.class.getName(), RedisServerTests.class.getName(), PARAMETERIZED_FIXTURE)
			.doesNotContain(FIXTURE)
			.noneMatch((name) -> name.contains("$"))
			.isSorted();
	}

	@Test
	void aClassWhoseEveryTestCarriesAnExcludedTagIsNotListed(@TempDir Path dir) throws Exception {
		Path record = dir.resolve("record.txt");
		TestClassNames.record(TEST_CLASSES, record);
		assertThat(Files.readAllLines(record)).contains(FIXTURE, PARAMETERIZED_FIXTURE);
		String before = System.setProperty(TestClassNames.EXCLUDED_TAGS_PROPERTY, "other, fixture");
		try {
			TestClassNames.record(TEST_CLASSES, record);
			assertThat(Files.readAllLines(record)).doesNotContain(FIXTURE, PARAMETERIZED_FIXTURE)
				.contains(RedisServerTests.class.getName());
		}
		finally {
			if (before == null) {
				System.clearProperty(TestClassNames.EXCLUDED_TAGS_PROPERTY);
			}
			else {
				System.setProperty(TestClassNames.EXCLUDED_TAGS_PROPERTY, before);
			}
		}
	}

}
