package io.github.redisstarter.broadcast;

/**
 * The in-memory twin: delivery within this instance only, with the same contract
 * (mailboxes, ordering, failure isolation). What an app without Redis gets.
 */
final class InMemoryBroadcaster extends AbstractBroadcaster {

	InMemoryBroadcaster(BroadcastSettings settings, BroadcastObserver observer) {
		super(settings, observer);
	}

	@Override
	void send(String channel, String payload) {
		// Nothing leaves the instance.
	}

}
