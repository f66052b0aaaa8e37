package io.rtm.bench.child;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The highest heap occupancy this JVM reached. Sampling alone misses the top of the sawtooth, so
 * every collection also reports the heap as it was just before it ran, which is the true peak
 * between two collections.
 */
public final class HeapPeakSampler implements AutoCloseable {
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakCommitted = new AtomicLong();
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-peak-sampler");
        t.setDaemon(true);
        return t;
      });

  private HeapPeakSampler() {}

  public static HeapPeakSampler start() {
    HeapPeakSampler s = new HeapPeakSampler();
    s.sampler.scheduleAtFixedRate(s::sample, 0, 50, TimeUnit.MILLISECONDS);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                s.beforeCollection(GarbageCollectionNotificationInfo.from(
                    (CompositeData) notification.getUserData()));
              }
            },
            null,
            null);
      }
    }
    return s;
  }

  public long peakUsedBytes() {
    sample();
    return peakUsed.get();
  }

  public long peakCommittedBytes() {
    return peakCommitted.get();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  private void sample() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    peakUsed.accumulateAndGet(heap.getUsed(), Math::max);
    peakCommitted.accumulateAndGet(heap.getCommitted(), Math::max);
  }

  private void beforeCollection(GarbageCollectionNotificationInfo info) {
    long used = info.getGcInfo().getMemoryUsageBeforeGc().entrySet().stream()
        .filter(e -> heapPools.contains(e.getKey()))
        .mapToLong(e -> e.getValue().getUsed())
        .sum();
    peakUsed.accumulateAndGet(used, Math::max);
  }
}
