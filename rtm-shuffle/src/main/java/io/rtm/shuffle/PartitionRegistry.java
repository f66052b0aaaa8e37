package io.rtm.shuffle;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions a {@link ShuffleServer} serves. Lookups return futures because a reduce task may
 * subscribe before the map task on this executor has registered: the future is created by
 * whichever side comes first and completed by the registration.
 */
final class PartitionRegistry {

  private final Map<PartitionId, CompletableFuture<ResultPartition>> partitions =
      new ConcurrentHashMap<>();
  private volatile ShuffleException closedCause;

  void register(ResultPartition partition) {
    ShuffleException closed = closedCause;
    if (closed != null) {
      throw new IllegalStateException(closed.getMessage());
    }
    CompletableFuture<ResultPartition> slot =
        partitions.computeIfAbsent(partition.id(), k -> new CompletableFuture<>());
    if (!slot.complete(partition)) {
      throw new IllegalStateException(
          "Partition " + partition.id() + " is already registered on this shuffle server");
    }
  }

  /** The partition, now or once registered; completes exceptionally if the server closes. */
  CompletableFuture<ResultPartition> lookup(PartitionId id) {
    ShuffleException closed = closedCause;
    if (closed != null) {
      return CompletableFuture.failedFuture(closed);
    }
    return partitions.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  /** Forgets a lookup nobody registered for, so stale ids do not accumulate. */
  void abandon(PartitionId id, CompletableFuture<ResultPartition> lookup) {
    if (!lookup.isDone()) {
      partitions.remove(id, lookup);
    }
  }

  void unregister(ResultPartition partition) {
    CompletableFuture<ResultPartition> slot = partitions.get(partition.id());
    if (slot != null && slot.getNow(null) == partition) {
      partitions.remove(partition.id(), slot);
    }
  }

  /** Fails every registered partition and every pending lookup; used when the server closes. */
  void closeAll(ShuffleException cause) {
    closedCause = cause;
    for (CompletableFuture<ResultPartition> slot : partitions.values()) {
      if (!slot.completeExceptionally(cause)) {
        slot.join().fail(cause);
      }
    }
    partitions.clear();
  }

  int size() {
    return partitions.size();
  }
}
