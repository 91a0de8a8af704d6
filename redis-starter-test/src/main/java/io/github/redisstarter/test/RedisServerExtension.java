package io.github.redisstarter.test;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class its own real Redis server: started before the first test, left
 * running (thawed, restarted if a test killed it, and emptied) before each test, and
 * stopped after the last one.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension(RedisServer.config().password("s3cret"));
 *
 * &#64;Test
 * void survivesAnOutage() {
 *     redis.server().kill();
 *     // ...
 *     redis.server().start();
 * }
 * </pre>
 */
public class RedisServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

	private final RedisServer.Config config;

	private RedisServer server;

	public RedisServerExtension() {
		this(RedisServer.config());
	}

	public RedisServerExtension(RedisServer.Config config) {
		this.config = config;
	}

	/** The running server; available from {@code @BeforeAll} on. */
	public RedisServer server() {
		if (this.server == null) {
			throw new IllegalStateException("The Redis server starts before all tests: register the extension on a "
					+ "static field and use it from @BeforeAll or a test");
		}
		return this.server;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = RedisServer.create(this.config);
		this.server.start();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		RedisServer server = server();
		if (server.isRunning()) {
			server.resume();
		}
		if (!server.isRunning() || !Objects.equals(server.password(), this.config.password)) {
			// Each test starts from the configured password, whatever the one before
			// changed.
			server.restartWithPassword(this.config.password);
		}
		server.flushAll();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server();
	}

}
