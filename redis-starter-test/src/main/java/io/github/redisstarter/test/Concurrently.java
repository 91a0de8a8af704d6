package io.github.redisstarter.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * Runs an attempt from many threads released at once, for exactness tests: how many
 * attempts succeeded in all?
 */
public final class Concurrently {

	private Concurrently() {
	}

	/**
	 * Starts {@code threads} threads together; thread {@code t} makes
	 * {@code attemptsEach} attempts ({@code attempt.test(t)}).
	 * @return how many attempts answered {@code true}
	 */
	public static int countSuccesses(int threads, int attemptsEach, IntPredicate attempt) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(pool.submit(() -> {
					start.await();
					int succeeded = 0;
					for (int i = 0; i < attemptsEach; i++) {
						succeeded += attempt.test(thread) ? 1 : 0;
					}
					return succeeded;
				}));
			}
			start.countDown();
			int succeeded = 0;
			for (Future<Integer> result : results) {
				succeeded += result.get(60, TimeUnit.SECONDS);
			}
			return succeeded;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
