package io.github.redisstarter.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port that drops connection attempts, like a firewalled address: a listening
 * socket that never accepts, with its accept queue filled, so that the kernel drops
 * further SYNs and a client's connect hangs until its own timeout. (Tests must not send
 * traffic to any address but loopback.)
 */
final class Blackhole implements AutoCloseable {

	private final ServerSocket server;

	private final List<Socket> fillers = new ArrayList<>();

	Blackhole() throws IOException {
		this.server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
		for (int i = 0; i < 4; i++) {
			Socket filler = new Socket();
			try {
				filler.connect(new InetSocketAddress(this.server.getInetAddress(), this.server.getLocalPort()), 200);
			}
			catch (IOException ex) {
				// The queue is full: from here on, SYNs are dropped.
			}
			this.fillers.add(filler);
		}
	}

	int port() {
		return this.server.getLocalPort();
	}

	@Override
	public void close() throws IOException {
		for (Socket filler : this.fillers) {
			filler.close();
		}
		this.server.close();
	}

}
