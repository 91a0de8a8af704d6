package io.github.redisstarter.autoconfigure;

/**
 * A Redis setting (a {@code spring.data.redis.*} property or a {@code REDIS_*} variable)
 * that cannot be used. The message names the setting, shows the value with any password
 * masked, and says what is accepted.
 */
public class InvalidRedisSettingException extends RuntimeException {

	private final String setting;

	private final String maskedValue;

	private final String reason;

	private final String acceptedForm;

	public InvalidRedisSettingException(String setting, String maskedValue, String reason, String acceptedForm) {
		super(setting + "='" + maskedValue + "' is invalid: " + reason + ". Accepted: " + acceptedForm);
		this.setting = setting;
		this.maskedValue = maskedValue;
		this.reason = reason;
		this.acceptedForm = acceptedForm;
	}

	/**
	 * The property or environment variable, such as {@code REDIS_URL} or
	 * {@code spring.data.redis.port}.
	 */
	public String getSetting() {
		return this.setting;
	}

	/** The value as given, with any password masked. */
	public String getMaskedValue() {
		return this.maskedValue;
	}

	public String getReason() {
		return this.reason;
	}

	public String getAcceptedForm() {
		return this.acceptedForm;
	}

}
