package io.github.redisstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * The figures of the fault suite as a Markdown section, written by the suite, never by
 * hand: always to target/reliability.md, and between the markers of docs/reliability.md
 * when run with {@code -Dreliability.docs=true}.
 */
final class ReliabilityReport {

	/**
	 * The statuses of 8 pings from a new client, alternating instances, under 5 per 10 s.
	 */
	static final String EXACT = "200 200 200 200 200 429 429 429";

	static final String START = "<!-- reliability:start (written by FaultSuiteTests; do not edit by hand) -->";

	static final String END = "<!-- reliability:end -->";

	private ReliabilityReport() {
	}

	static String render(List<FaultSuiteTests.Figures> figures, String redisVersion) {
		StringBuilder out = new StringBuilder();
		out.append(START).append("\n\n");
		out.append("Measured on ")
			.append(LocalDate.now())
			.append(": ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, Java ")
			.append(System.getProperty("java.version"))
			.append(", Redis ")
			.append(redisVersion)
			.append("; each fault held as the list below says, under the load described above.\n\n");
		out.append(
				"| Fault | Requests served | 5xx | No response | p99 during (ms) | p99 after (ms) | To memory (ms) | "
						+ "Back to Redis (ms) | Switch lines A / B (to memory, back) | False switches | Checks answered by the twins | "
						+ "Rate limit during | Rate limit once back | Stale reads during / after | Notifications across after | "
						+ "Jobs accepted / lost |\n");
		out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (FaultSuiteTests.Figures f : figures) {
			out.append("| ")
				.append(name(f.fault))
				.append(" | ")
				.append(f.served)
				.append(" | ")
				.append(f.serverErrors)
				.append(" | ")
				.append(f.unanswered)
				.append(" | ")
				.append(f.p99During)
				.append(" | ")
				.append(f.p99After)
				.append(" | ")
				.append((f.toMemoryMillis < 0) ? "no switch" : String.valueOf(f.toMemoryMillis))
				.append(" | ")
				.append(f.backMillis)
				.append(" | ")
				.append(f.linesToMemory[0])
				.append(", ")
				.append(f.linesBack[0])
				.append(" / ")
				.append(f.linesToMemory[1])
				.append(", ")
				.append(f.linesBack[1])
				.append(" | ")
				.append(f.falseSwitches())
				.append(" | ")
				.append(f.twinAnswers)
				.append(" | ")
				.append(during(f))
				.append(" | ")
				.append(exactness(f.exactness))
				.append(" | ")
				.append(f.staleDuring)
				.append(" / ")
				.append(f.staleAfter)
				.append(" | ")
				.append(f.notificationsAfter)
				.append(" | ")
				.append(f.jobsAccepted)
				.append(" / ")
				.append(f.jobsLost)
				.append(" |\n");
		}
		out.append("\nFaults, each with the switch lines it justifies per instance (any more are false switches):\n\n");
		for (FaultSuiteTests.Figures f : figures) {
			out.append("- ")
				.append(name(f.fault))
				.append(f.fault.hold.isZero() ? " (not held: it heals by itself"
						: " (held " + seconds(f.fault.hold) + " s")
				.append("; ")
				.append(f.fault.expected.words)
				.append("): ")
				.append(f.fault.how)
				.append(".\n");
		}
		out.append("\n").append(END).append("\n");
		return out.toString();
	}

	private static String name(FaultSuiteTests.Fault fault) {
		return fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	private static String seconds(java.time.Duration duration) {
		return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
	}

	private static String exactness(String statuses) {
		return statuses.equals(EXACT) ? "exact (5 allowed, then 429)" : statuses;
	}

	/** What the limit did while the fault lasted, where the suite checks it. */
	private static String during(FaultSuiteTests.Figures f) {
		if (f.exactnessDuring != null) {
			return exactness(f.exactnessDuring);
		}
		if (f.fixedClientAllowed >= 0) {
			return f.fixedClientAllowed + " allowed to one client (the outage policy allows at most "
					+ f.fixedClientBound + ")";
		}
		return "per instance while away";
	}

	static void write(String report) throws IOException {
		Path target = Path.of("target", "reliability.md");
		Files.createDirectories(target.getParent());
		Files.writeString(target, report);
		if (Boolean.getBoolean("reliability.docs")) {
			Path document = Path.of("..", "docs", "reliability.md");
			String text = Files.readString(document);
			int start = text.indexOf(START);
			int end = text.indexOf(END);
			if (start < 0 || end < start) {
				throw new IllegalStateException(document + " has no " + START + " ... " + END + " section to replace");
			}
			Files.writeString(document, text.substring(0, start) + report.strip() + text.substring(end + END.length()));
		}
	}

}
