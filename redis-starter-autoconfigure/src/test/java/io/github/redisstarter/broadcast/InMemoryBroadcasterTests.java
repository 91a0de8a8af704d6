package io.github.redisstarter.broadcast;

/** The contract on the in-memory twin. */
class InMemoryBroadcasterTests extends BroadcasterContract {

	@Override
	protected Broadcaster create(BroadcastSettings settings, BroadcastObserver observer) {
		return new InMemoryBroadcaster(settings, observer);
	}

}
