package io.rtm.shuffle;

/**
 * The subscribed consumer of one {@link ResultSubpartition}, as the subpartition sees it: told when
 * its queue gets input and when the partition fails. {@link SubpartitionReader} forwards the queue
 * to a TCP connection, {@link LocalInputChannel} to a gate in this JVM.
 */
interface SubpartitionConsumer {

  /**
   * The queue went from empty to non-empty. Called by the producer task thread or the flusher,
   * possibly while holding the subpartition's lock.
   */
  void notifyDataAvailable();

  /** Any thread, not holding the subpartition's lock: the partition failed for {@code cause}. */
  void failAndClose(ShuffleException cause);
}
