package io.github.redisstarter.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A few dozen lines of RESP2, so the harness can administer its servers without a Redis
 * client library (and without touching the connections of the code under test). One
 * socket per call: simple, and immune to server restarts.
 */
final class RespClient {

	private static final int TIMEOUT_MILLIS = 5_000;

	private RespClient() {
	}

	/**
	 * Sends AUTH (when a password is given) and then the command; returns the decoded
	 * reply of the command.
	 */
	static Object call(String host, int port, String password, String... command) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			if (password != null) {
				write(out, "AUTH", password);
				Object auth = read(in);
				if (auth instanceof RedisError error) {
					throw new IOException("AUTH failed: " + error.message());
				}
			}
			write(out, command);
			Object reply = read(in);
			if (reply instanceof RedisError error) {
				throw new IOException(command[0] + " failed: " + error.message());
			}
			return reply;
		}
	}

	private static void write(OutputStream out, String... parts) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		buffer.writeBytes(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String part : parts) {
			byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
			buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			buffer.writeBytes(bytes);
			buffer.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		out.write(buffer.toByteArray());
		out.flush();
	}

	private static Object read(InputStream in) throws IOException {
		int type = in.read();
		if (type == -1) {
			throw new IOException("connection closed by the server");
		}
		String line = readLine(in);
		return switch (type) {
			case '+' -> line;
			case '-' -> new RedisError(line);
			case ':' -> Long.parseLong(line);
			case '$' -> readBulk(in, Integer.parseInt(line));
			case '*' -> readArray(in, Integer.parseInt(line));
			default -> throw new IOException("unexpected RESP type '" + (char) type + "'");
		};
	}

	private static String readBulk(InputStream in, int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] bytes = in.readNBytes(length + 2);
		return new String(bytes, 0, length, StandardCharsets.UTF_8);
	}

	private static List<Object> readArray(InputStream in, int length) throws IOException {
		if (length < 0) {
			return null;
		}
		List<Object> items = new ArrayList<>(length);
		for (int i = 0; i < length; i++) {
			items.add(read(in));
		}
		return items;
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		int current;
		while ((current = in.read()) != -1) {
			if (previous == '\r' && current == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(current);
			previous = current;
		}
		throw new IOException("connection closed in the middle of a reply");
	}

	private record RedisError(String message) {
	}

}
