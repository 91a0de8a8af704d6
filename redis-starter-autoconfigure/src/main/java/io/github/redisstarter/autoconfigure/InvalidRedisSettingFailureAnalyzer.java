package io.github.redisstarter.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidRedisSettingException} into "APPLICATION FAILED TO START" with
 * the setting and the fix.
 */
class InvalidRedisSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRedisSettingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRedisSettingException cause) {
		String description = "The Redis setting " + cause.getSetting() + " is invalid: " + cause.getReason()
				+ ".\n\n    Value: " + cause.getMaskedValue();
		String action = "Correct " + cause.getSetting() + ". Accepted: " + cause.getAcceptedForm() + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
