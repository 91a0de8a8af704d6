package io.github.redisstarter;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the public API, read off the module's own sources and classes: packages
 * depend downwards only, and no public signature or exception outside
 * {@code connection.internal} (which is not API) names a Lettuce type.
 */
class PublicApiTests {

	private static final Path SOURCES = Path.of("src/main/java/io/github/redisstarter");

	private static final Path CLASSES = Path.of("target/classes");

	private static final Pattern IMPORT = Pattern
		.compile("^import (?:static )?io\\.github\\.redisstarter\\.([a-z.]+)\\.[A-Z]", Pattern.MULTILINE);

	/**
	 * What each package may use of the starter's other packages: the layers, bottom up.
	 */
	private static final Map<String, Set<String>> ALLOWED = Map.of("connection", Set.of(), "connection.internal",
			Set.of("connection"), "ratelimit", Set.of("connection", "connection.internal"), "ratelimit.web",
			Set.of("ratelimit", "connection", "connection.internal"), "cache",
			Set.of("connection", "connection.internal"), "broadcast", Set.of("connection", "connection.internal"),
			"queue", Set.of("connection", "connection.internal"), "session",
			Set.of("connection", "connection.internal"), "reactive",
			Set.of("ratelimit", "cache", "broadcast", "connection"));

	@Test
	void packagesDependDownwardsOnly() throws IOException {
		List<String> violations = new ArrayList<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
				Set<String> allowed = ALLOWED.get(pkg);
				if (allowed == null) {
					// The Spring wiring (autoconfigure and below) may use every package.
					assertThat(pkg).startsWith("autoconfigure");
					continue;
				}
				Matcher imports = IMPORT.matcher(Files.readString(file));
				while (imports.find()) {
					String used = imports.group(1);
					if (!used.equals(pkg) && !allowed.contains(used)) {
						violations.add(pkg + " -> " + used + " in " + file.getFileName());
					}
				}
			}
		}
		assertThat(violations).isEmpty();
	}

	@Test
	void theBackendStateUsersInjectCannotReportAFailure() {
		// Only Failover reports a failed call; the state an app injects only reads.
		assertThat(io.github.redisstarter.connection.BackendState.class.getMethods()).extracting(Method::getName)
			.doesNotContain("reportFailure", "recordPingSuccess", "recordPingFailure");
	}

	@Test
	void noPublicSignatureOrExceptionOutsideInternalNamesALettuceType() throws Exception {
		List<String> violations = new ArrayList<>();
		List<Class<?>> api = apiClasses();
		assertThat(api).as("public classes found in " + CLASSES.toAbsolutePath()).hasSizeGreaterThan(20);
		for (Class<?> type : api) {
			for (Class<?> s = type.getSuperclass(); s != null; s = s.getSuperclass()) {
				check(violations, type.getName() + " extends", s);
			}
			for (Type implemented : type.getGenericInterfaces()) {
				check(violations, type.getName() + " implements", implemented);
			}
			for (Constructor<?> constructor : type.getDeclaredConstructors()) {
				checkExecutable(violations, type, constructor);
			}
			for (Method method : type.getDeclaredMethods()) {
				checkExecutable(violations, type, method);
				if (isVisible(method.getModifiers())) {
					check(violations, type.getName() + "." + method.getName() + " returns",
							method.getGenericReturnType());
				}
			}
			for (Field field : type.getDeclaredFields()) {
				if (isVisible(field.getModifiers())) {
					check(violations, type.getName() + "." + field.getName(), field.getGenericType());
				}
			}
		}
		assertThat(violations).isEmpty();
	}

	private static void checkExecutable(List<String> violations, Class<?> type, Executable executable) {
		if (!isVisible(executable.getModifiers())) {
			return;
		}
		for (Type parameter : executable.getGenericParameterTypes()) {
			check(violations, type.getName() + "." + executable.getName() + " takes", parameter);
		}
	}

	private static boolean isVisible(int modifiers) {
		return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
	}

	private static void check(List<String> violations, String where, Type type) {
		if (type instanceof Class<?> plain) {
			Class<?> component = plain;
			while (component.isArray()) {
				component = component.getComponentType();
			}
			if (component.getName().startsWith("io.lettuce.")) {
				violations.add(where + " " + component.getName());
			}
		}
		else if (type instanceof ParameterizedType parameterized) {
			check(violations, where, parameterized.getRawType());
			for (Type argument : parameterized.getActualTypeArguments()) {
				check(violations, where, argument);
			}
		}
		else if (type instanceof WildcardType wildcard) {
			for (Type bound : wildcard.getUpperBounds()) {
				check(violations, where, bound);
			}
			for (Type bound : wildcard.getLowerBounds()) {
				check(violations, where, bound);
			}
		}
	}

	/**
	 * The public classes of every package but {@code connection.internal} and the Spring
	 * wiring.
	 */
	private static List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
		List<Class<?>> api = new ArrayList<>();
		try (Stream<Path> files = Files.walk(CLASSES.resolve("io/github/redisstarter"))) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".class")).toList()) {
				String name = CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
				if (name.contains(".internal.") || name.contains(".autoconfigure.") || name.endsWith("package-info")) {
					continue;
				}
				Class<?> type = Class.forName(name, false, PublicApiTests.class.getClassLoader());
				if (Modifier.isPublic(type.getModifiers()) && (type.getEnclosingClass() == null
						|| Modifier.isPublic(type.getEnclosingClass().getModifiers()))) {
					api.add(type);
				}
			}
		}
		return api;
	}

}
