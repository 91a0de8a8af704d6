package io.github.redisstarter.autoconfigure;

import java.util.List;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * Reads captured log output (the logback-test.xml pattern: time, level, thread, logger,
 * message).
 */
final class Logs {

	private Logs() {
	}

	/**
	 * Lines that the starter's backend classes (the state, the monitor) logged at this
	 * level.
	 */
	static List<String> starterLines(CapturedOutput output, String level) {
		return output.getAll()
			.lines()
			.filter(line -> line.contains(" " + level + " ")
					&& (line.contains("connection.Backend") || line.contains("c.internal.Backend")))
			.toList();
	}

}
