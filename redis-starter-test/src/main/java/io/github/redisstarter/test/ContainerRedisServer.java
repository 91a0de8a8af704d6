package io.github.redisstarter.test;

import java.util.List;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@code redis:7-alpine} container, for machines with Docker but no redis-server. Its
 * host port is fixed at creation so that it survives kill and restart like a process
 * server's.
 */
final class ContainerRedisServer extends RedisServer {

	private static final DockerImageName IMAGE = DockerImageName.parse("redis:7-alpine");

	private final int port = ProcessRedisServer.freePort();

	private GenericContainer<?> container;

	ContainerRedisServer(Config config) {
		super(config);
		if (config.tls) {
			throw new IllegalStateException(
					"The Redis container has no TLS: for tls(), use REDIS_STARTER_TEST_SERVER=binary"
							+ " (a redis-server built with TLS on PATH) or embedded");
		}
	}

	static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	@Override
	protected void launch() {
		if (this.container == null) {
			this.container = new GenericContainer<>(IMAGE).withCommand(commandLine())
				.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
					.withPortBindings(new PortBinding(new Ports.Binding(HOST, String.valueOf(this.port)),
							ExposedPort.tcp(this.port))));
			this.container.addExposedPort(this.port);
			this.container.start();
		}
		else {
			docker().startContainerCmd(this.container.getContainerId()).exec();
		}
	}

	private String[] commandLine() {
		List<String> args = new java.util.ArrayList<>(List.of("redis-server", "--bind", "0.0.0.0"));
		args.addAll(serverArguments(this.port));
		// DEBUG SLEEP (a slow server): the harness connects through a mapped port, not
		// from inside the container.
		args.addAll(List.of("--enable-debug-command", "yes"));
		return args.toArray(String[]::new);
	}

	@Override
	public synchronized void stop() {
		if (isRunning()) {
			resume();
			docker().stopContainerCmd(this.container.getContainerId()).withTimeout(5).exec();
		}
	}

	@Override
	public synchronized void kill() {
		if (isRunning()) {
			docker().killContainerCmd(this.container.getContainerId()).withSignal("KILL").exec();
		}
	}

	@Override
	public synchronized void pause() {
		if (isRunning()) {
			docker().pauseContainerCmd(this.container.getContainerId()).exec();
		}
	}

	@Override
	public synchronized void resume() {
		if (isRunning() && Boolean.TRUE.equals(state().getPaused())) {
			docker().unpauseContainerCmd(this.container.getContainerId()).exec();
		}
	}

	@Override
	public boolean isRunning() {
		return this.container != null && Boolean.TRUE.equals(state().getRunning());
	}

	private com.github.dockerjava.api.command.InspectContainerResponse.ContainerState state() {
		return docker().inspectContainerCmd(this.container.getContainerId()).exec().getState();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	protected void cleanUp() {
		if (this.container != null) {
			this.container.stop();
		}
	}

	private static DockerClient docker() {
		return DockerClientFactory.instance().client();
	}

}
