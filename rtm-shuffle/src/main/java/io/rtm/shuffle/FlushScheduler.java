package io.rtm.shuffle;

/**
 * Runs flush tasks after a delay. An interface so that handler tests can flush by hand instead of
 * racing a timer thread against Netty's single-threaded EmbeddedChannel.
 */
interface FlushScheduler {
  void schedule(Runnable task, long delayNanos);
}
