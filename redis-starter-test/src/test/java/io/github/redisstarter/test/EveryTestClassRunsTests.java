package io.github.redisstarter.test;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every class of this module that holds tests is one Surefire runs: the one misnamed on purpose is found, and nothing else. */
class EveryTestClassRunsTests {

	@Test
	void everyClassThatHoldsTestsIsNamedSoThatSurefireRunsIt() {
		assertThat(TestClassNames.notRunBySurefire(Path.of("target/test-classes")))
			.as("classes with tests that Surefire's default includes (Test*, *Test, *Tests, *TestCase) skip: rename them")
			.containsExactly("io.github.redisstarter.test.MisnamedFixtureChecks");
		// What the other modules call: it fails here, on the fixture.
		assertThatThrownBy(TestClassNames::assertSurefireRunsEveryTestClass)
			.hasMessageContaining("io.github.redisstarter.test.MisnamedFixtureChecks");
		TestClassNames.record(Path.of("target/test-classes"), Path.of("target", TestClassNames.RECORD),
				"io.github.redisstarter.test.MisnamedFixtureChecks");
	}

	@Test
	void theRecordListsEveryClassWithTestsButTheOnesNotMeantToRun(@TempDir Path dir) throws Exception {
		Path record = dir.resolve("record.txt");
		TestClassNames.record(Path.of("target/test-classes"), record, "io.github.redisstarter.test.MisnamedFixtureChecks");
		assertThat(Files.readAllLines(record)).contains(EveryTestClassRunsTests.class.getName(),
				RedisServerTests.class.getName())
			.doesNotContain("io.github.redisstarter.test.MisnamedFixtureChecks")
			.noneMatch((name) -> name.contains("$"))
			.isSorted();
	}

	@Test
	void aClassWhoseEveryTestCarriesAnExcludedTagIsNotListed(@TempDir Path dir) throws Exception {
		Path record = dir.resolve("record.txt");
		String fixture = "io.github.redisstarter.test.MisnamedFixtureChecks";
		TestClassNames.record(Path.of("target/test-classes"), record);
		assertThat(Files.readAllLines(record)).contains(fixture);
		System.setProperty(TestClassNames.EXCLUDED_TAGS_PROPERTY, "other, fixture");
		try {
			TestClassNames.record(Path.of("target/test-classes"), record);
			assertThat(Files.readAllLines(record)).doesNotContain(fixture).contains(RedisServerTests.class.getName());
		}
		finally {
			System.clearProperty(TestClassNames.EXCLUDED_TAGS_PROPERTY);
		}
	}

}
