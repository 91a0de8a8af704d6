package io.github.redisstarter.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.env.Environment;

/**
 * Where a setting's rule meets its property. The properties classes are plain: the rules
 * live once, in the settings records and constructors of the capabilities, which name a
 * broken argument in quotes ({@code 'maxCallDeadline'}); this turns such an error into
 * the starter's startup failure, naming the property and the value as given.
 */
final class SettingRules {

	private static final Pattern ARGUMENT = Pattern.compile("'([a-z][A-Za-z]*)'");

	/** Arguments whose property is not their name in kebab case. */
	private static final Map<String, String> PROPERTY_OF = Map.of("maxKeysPerLimit", "memory-max-keys",
			"maxMessageBytes", "max-message-size", "maxPendingBytes", "max-pending-size", "maxValueBytes",
			"max-value-size");

	private SettingRules() {
	}

	/**
	 * Builds settings whose arguments come from the properties under {@code prefix}.
	 * @throws InvalidRedisSettingException naming the first property the error names that
	 * the app set; the error itself when it names none
	 */
	static <T> T apply(Environment environment, String prefix, String acceptedForm, Supplier<T> settings) {
		try {
			return settings.get();
		}
		catch (IllegalArgumentException ex) {
			String message = String.valueOf(ex.getMessage());
			Matcher arguments = ARGUMENT.matcher(message);
			String property = null;
			StringBuilder reason = new StringBuilder();
			while (arguments.find()) {
				String named = prefix + "." + propertyOf(arguments.group(1));
				if (property == null && environment.containsProperty(named)) {
					property = named;
				}
				arguments.appendReplacement(reason, Matcher.quoteReplacement(named));
			}
			arguments.appendTail(reason);
			if (property == null) {
				// Not a setting the app gave (the app's own bean, say): not the starter's
				// to word.
				throw ex;
			}
			throw new InvalidRedisSettingException(property, environment.getProperty(property, ""), reason.toString(),
					acceptedForm);
		}
	}

	/** A duration that must be positive, checked where no settings record takes it. */
	static Duration positive(String argument, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("'" + argument + "' must be a positive duration, got " + value);
		}
		return value;
	}

	private static String propertyOf(String argument) {
		return PROPERTY_OF.getOrDefault(argument,
				argument.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
	}

}
