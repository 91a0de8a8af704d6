package io.github.redisstarter.connection.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * A Lua script of the starter, run with one EVALSHA. The full text goes out (EVAL, which
 * also loads it) only when Redis answers NOSCRIPT, after a restart or a failover; never
 * after a timeout, because a script that may have run must not run twice.
 */
public final class LuaScript {

	private final String name;

	private final String body;

	private final String sha;

	private LuaScript(String name, String body) {
		this.name = name;
		this.body = body;
		this.sha = sha1(body);
	}

	/** Reads a script from the classpath, next to {@code owner}. */
	public static LuaScript load(Class<?> owner, String resource) {
		return new LuaScript(resource, read(owner, resource));
	}

	/**
	 * Reads a script from the classpath, next to {@code owner}, after the functions it
	 * shares with other scripts ({@code library}): Redis runs one text per script.
	 */
	public static LuaScript load(Class<?> owner, String library, String resource) {
		return new LuaScript(resource, read(owner, library) + "\n" + read(owner, resource));
	}

	private static String read(Class<?> owner, String resource) {
		try (InputStream in = owner.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException(resource + " is missing from the classpath next to " + owner.getName());
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read " + resource, ex);
		}
	}

	public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<byte[], byte[]> redis, ScriptOutputType output,
			byte[][] keys, byte[]... arguments) {
		return redis.<T>evalsha(this.sha, output, keys, arguments)
			.toCompletableFuture()
			.exceptionallyCompose((failure) -> isNoScript(failure)
					? redis.<T>eval(this.body, output, keys, arguments).toCompletableFuture()
					: CompletableFuture.failedFuture(failure));
	}

	public String body() {
		return this.body;
	}

	public String sha() {
		return this.sha;
	}

	@Override
	public String toString() {
		return this.name + " (" + this.sha + ")";
	}

	private static boolean isNoScript(Throwable failure) {
		Throwable cause = RedisCalls.cause(failure);
		return cause instanceof RedisNoScriptException
				|| (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
	}

	private static String sha1(String script) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is required of every JVM", ex);
		}
	}

}
