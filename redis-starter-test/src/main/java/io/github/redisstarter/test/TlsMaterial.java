package io.github.redisstarter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throwaway certificate authority and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
record TlsMaterial(Path caCertificate, Path certificate, Path key) {

	static TlsMaterial create(Path dir) {
		Path caKey = dir.resolve("ca.key");
		Path caCert = dir.resolve("ca.crt");
		Path key = dir.resolve("server.key");
		Path csr = dir.resolve("server.csr");
		Path cert = dir.resolve("server.crt");
		Path ext = dir.resolve("server.ext");
		try {
			Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=redis-starter-test-ca",
				"-keyout", caKey.toString(), "-out", caCert.toString());
		openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key.toString(), "-out",
				csr.toString());
		openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
				"-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
		return new TlsMaterial(caCert, cert, key);
	}

	private static void openssl(Path dir, String... args) {
		List<String> command = new java.util.ArrayList<>(List.of("openssl"));
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("openssl.log").toFile())
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("openssl " + args[0] + " failed: "
						+ Files.readString(dir.resolve("openssl.log")));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("A TLS test server needs the openssl command", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
