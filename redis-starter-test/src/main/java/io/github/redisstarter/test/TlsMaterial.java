package io.github.redisstarter.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority, a server certificate for 127.0.0.1/localhost (or the
 * names a test gives), a client certificate the authority signed and a stranger's
 * (self-signed) one, made with the JDK's own {@code keytool} so that a machine with only
 * a JDK can run the TLS tests (no openssl command needed). Keys are PKCS#8 PEM files.
 */
record TlsMaterial(Path caCertificate, Path certificate, Path key, Path clientCertificate, Path clientKey,
		Path strangerCertificate, Path strangerKey) {

	/** Only guards files in a temporary directory of the test's own. */
	private static final String STORE_PASSWORD = "redis-starter-test";

	static TlsMaterial create(Path dir, String serverNames) {
		Path caStore = dir.resolve("ca.p12");
		Path serverStore = dir.resolve("server.p12");
		Path csr = dir.resolve("server.csr");
		Path caCert = dir.resolve("ca.crt");
		Path cert = dir.resolve("server.crt");
		Path key = dir.resolve("server.key");
		keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname",
				"CN=redis-starter-test-ca", "-ext", "bc:c", "-keystore", caStore.toString());
		keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-file",
				caCert.toString());
		keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
				"-dname", "CN=localhost", "-keystore", serverStore.toString());
		keytool(dir, "-certreq", "-alias", "server", "-keystore", serverStore.toString(), "-file", csr.toString());
		keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-validity", "2", "-ext",
				"san=" + serverNames, "-infile", csr.toString(), "-outfile", cert.toString());
		writePem(key, "PRIVATE KEY", privateKey(serverStore, "server").getEncoded());
		Path clientStore = dir.resolve("client.p12");
		Path clientCsr = dir.resolve("client.csr");
		Path clientCert = dir.resolve("client.crt");
		Path clientKey = dir.resolve("client.key");
		keytool(dir, "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
				"-dname", "CN=app", "-keystore", clientStore.toString());
		keytool(dir, "-certreq", "-alias", "client", "-keystore", clientStore.toString(), "-file",
				clientCsr.toString());
		keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-validity", "2", "-ext",
				"eku=clientAuth", "-infile", clientCsr.toString(), "-outfile", clientCert.toString());
		writePem(clientKey, "PRIVATE KEY", privateKey(clientStore, "client").getEncoded());
		Path strangerStore = dir.resolve("stranger.p12");
		Path strangerCert = dir.resolve("stranger.crt");
		Path strangerKey = dir.resolve("stranger.key");
		keytool(dir, "-genkeypair", "-alias", "stranger", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
				"-dname", "CN=stranger", "-keystore", strangerStore.toString());
		keytool(dir, "-exportcert", "-rfc", "-alias", "stranger", "-keystore", strangerStore.toString(), "-file",
				strangerCert.toString());
		writePem(strangerKey, "PRIVATE KEY", privateKey(strangerStore, "stranger").getEncoded());
		return new TlsMaterial(caCert, cert, key, clientCert, clientKey, strangerCert, strangerKey);
	}

	private static PrivateKey privateKey(Path store, String alias) {
		try (InputStream in = Files.newInputStream(store)) {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(in, STORE_PASSWORD.toCharArray());
			return (PrivateKey) keyStore.getKey(alias, STORE_PASSWORD.toCharArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not read the test key from " + store, ex);
		}
	}

	/** PKCS#8 in PEM, the form redis-server's OpenSSL reads. */
	private static void writePem(Path file, String type, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		try {
			Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void keytool(Path dir, String... args) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
		command.addAll(List.of(args));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-noprompt"));
		Path log = dir.resolve("keytool.log");
		try {
			Process process = new ProcessBuilder(command).directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool " + args[0] + " failed: " + Files.readString(log));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run the JDK's keytool", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
