package io.github.redisstarter.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a server, for what sits between an app and Redis in
 * production: {@link #silence()} makes the connections open so far go quiet in both
 * directions without closing them, as a NAT or load balancer does when it drops an idle
 * connection's mapping. Neither side hears a FIN or a reset; connections opened
 * afterwards are forwarded again, as through a fresh mapping.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Pair> pairs = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/**
	 * A proxy on a free loopback port that forwards to {@code targetPort} on loopback.
	 */
	public TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + this.server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * The connections forwarded so far go silent: what either side sends is swallowed,
	 * and nothing is closed.
	 */
	public void silence() {
		this.pairs.forEach((pair) -> pair.silent = true);
	}

	/** How many connections have been forwarded. */
	public int connections() {
		return this.pairs.size();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				Socket target = new Socket();
				try {
					target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 2000);
				}
				catch (IOException ex) {
					client.close();
					target.close();
					continue;
				}
				Pair pair = new Pair(client, target);
				this.pairs.add(pair);
				pump(pair, client, target);
				pump(pair, target, client);
			}
			catch (IOException ex) {
				// Closed, or the target refused: the client sees its connection closed.
			}
		}
	}

	private void pump(Pair pair, Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				for (int read; (read = in.read(buffer)) >= 0;) {
					if (!pair.silent) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// One side closed.
			}
			finally {
				if (!pair.silent) {
					pair.close();
				}
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		this.pairs.forEach(Pair::close);
	}

	private static final class Pair {

		private final Socket client;

		private final Socket target;

		private volatile boolean silent;

		Pair(Socket client, Socket target) {
			this.client = client;
			this.target = target;
		}

		void close() {
			try {
				this.client.close();
			}
			catch (IOException ex) {
				// Closed already.
			}
			try {
				this.target.close();
			}
			catch (IOException ex) {
				// Closed already.
			}
		}

	}

}
