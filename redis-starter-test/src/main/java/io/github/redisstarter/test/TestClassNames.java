package io.github.redisstarter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Finds test classes that Maven Surefire would never run: a top-level, concrete class
 * with a JUnit Jupiter test method ({@code @Test}, {@code @ParameterizedTest},
 * {@code @RepeatedTest}, {@code @TestFactory}, {@code @TestTemplate}, all marked
 * {@link Testable}), here or inherited, whose name matches none of Surefire's default
 * includes ({@code Test*}, {@code *Test}, {@code *Tests}, {@code *TestCase}). Each
 * module's {@code EveryTestClassRunsTests} calls it on its compiled tests, so that the
 * build fails on such a class instead of silently skipping it, and so that the list of
 * classes with tests is written for the check after the build that every one of them ran.
 */
public final class TestClassNames {

	/**
	 * The list of classes with tests that {@link #assertSurefireRunsEveryTestClass()}
	 * writes in {@code target}, which {@code .ci/check-every-test-class-ran} compares
	 * with Surefire's reports.
	 */
	public static final String RECORD = "test-classes-with-tests.txt";

	/**
	 * The system property with the JUnit tags that Surefire excludes in this run,
	 * comma-separated ({@code none}: none).
	 */
	public static final String EXCLUDED_TAGS_PROPERTY = "redis-starter.excluded-tags";

	private static final Pattern SUREFIRE_INCLUDES = Pattern.compile("Test.*|.*Test|.*Tests|.*TestCase");

	private TestClassNames() {
	}

	/**
	 * Fails when a class of the calling module's compiled tests
	 * ({@code target/test-classes}, Surefire's working directory being the module) holds
	 * tests that Surefire would not run; else writes their list ({@link #RECORD}).
	 * @throws AssertionError naming them
	 */
	public static void assertSurefireRunsEveryTestClass() {
		Path testClasses = Path.of("target/test-classes");
		List<String> skipped = notRunBySurefire(testClasses);
		if (!skipped.isEmpty()) {
			throw new AssertionError("Classes with tests that Surefire's default includes (Test*, *Test, *Tests,"
					+ " *TestCase) skip: rename them: " + skipped);
		}
		record(testClasses, Path.of("target", RECORD));
	}

	/**
	 * Writes the names of the classes under {@code testClasses} that hold tests, one per
	 * line, leaving out {@code notMeantToRun}: after the build, a check compares the list
	 * with the classes Surefire reported on, so that the count of executed classes is
	 * shown to equal the count of test classes.
	 */
	public static void record(Path testClasses, Path file, String... notMeantToRun) {
		List<String> names = new ArrayList<>(withTests(testClasses, excludedTags()));
		names.removeAll(List.of(notMeantToRun));
		try {
			Files.write(file, names);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The classes under {@code testClasses} (a directory of compiled tests, on the
	 * caller's class path) that hold tests Surefire would not run.
	 */
	public static List<String> notRunBySurefire(Path testClasses) {
		return withTests(testClasses).stream()
			.filter((name) -> !SUREFIRE_INCLUDES.matcher(name.substring(name.lastIndexOf('.') + 1)).matches())
			.toList();
	}

	/**
	 * The top-level, concrete classes under {@code testClasses} that hold tests, sorted
	 * by name.
	 */
	public static List<String> withTests(Path testClasses) {
		return withTests(testClasses, Set.of());
	}

	/**
	 * {@link #withTests(Path)}, counting only tests that carry none of the excluded tags.
	 */
	private static List<String> withTests(Path testClasses, Set<String> excludedTags) {
		List<String> found = new ArrayList<>();
		try (Stream<Path> files = Files.walk(testClasses)) {
			for (Path file : (Iterable<Path>) files.filter((f) -> f.toString().endsWith(".class"))::iterator) {
				String relative = testClasses.relativize(file).toString().replace(java.io.File.separatorChar, '/');
				String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
				if (name.contains("$") || name.endsWith("package-info") || name.endsWith("module-info")) {
					// Nested classes run with the class around them.
					continue;
				}
				Class<?> type = load(name);
				if (!Modifier.isAbstract(type.getModifiers()) && holdsTests(type, excludedTags)) {
					found.add(name);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		found.sort(null);
		return found;
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("Compiled test class " + name + " is not on the class path", ex);
		}
	}

	/**
	 * The tags Surefire leaves out in this run ({@code excludedGroups}), which a module
	 * passes as the system property {@value #EXCLUDED_TAGS_PROPERTY}: a class whose every
	 * test carries one of them does not run, and is not listed.
	 */
	private static Set<String> excludedTags() {
		String tags = System.getProperty(EXCLUDED_TAGS_PROPERTY, "");
		return Stream.of(tags.split(","))
			.map(String::trim)
			.filter((tag) -> !tag.isEmpty() && !tag.equals("none"))
			.collect(Collectors.toSet());
	}

	/**
	 * Whether the class has a test method, here or inherited, that carries none of the
	 * excluded tags.
	 */
	private static boolean holdsTests(Class<?> type, Set<String> excludedTags) {
		if (tags(type).stream().anyMatch(excludedTags::contains)) {
			return false;
		}
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Method method : current.getDeclaredMethods()) {
				// Meta-annotations too: @ParameterizedTest is @TestTemplate, which is
				// @Testable.
				if (AnnotationSupport.isAnnotated(method, Testable.class)
						&& tags(method).stream().noneMatch(excludedTags::contains)) {
					return true;
				}
			}
		}
		return false;
	}

	private static List<String> tags(AnnotatedElement element) {
		return Stream.of(element.getAnnotationsByType(Tag.class)).map(Tag::value).toList();
	}

}
