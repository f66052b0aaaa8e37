package io.rtm.bench.harness;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap this JVM still uses right after each garbage collection: the live data, which is what
 * a bounded-memory claim is about (heap used between collections is mostly garbage). Listens to
 * the collectors' notifications, so it forces no collection itself.
 */
public final class LiveHeapMonitor implements AutoCloseable {
  /** One collection: when it ended (wall clock ms) and the heap in use after it. */
  public record Sample(long atMs, long usedAfterBytes) {}

  private final List<Sample> samples = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = (notification, handback) -> {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long used = 0;
    for (MemoryUsage pool : info.getGcInfo().getMemoryUsageAfterGc().values()) {
      used += pool.getUsed();
    }
    synchronized (samples) {
      samples.add(new Sample(System.currentTimeMillis(), used));
    }
  };

  public static LiveHeapMonitor start() {
    LiveHeapMonitor monitor = new LiveHeapMonitor();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(monitor.listener, null, null);
        monitor.emitters.add(emitter);
      }
    }
    return monitor;
  }

  /** The largest post-collection heap between two wall-clock times, or -1 if no collection ran. */
  public long maxUsedAfterGc(long fromMs, long toMs) {
    long max = -1;
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.atMs() >= fromMs && s.atMs() < toMs) {
          max = Math.max(max, s.usedAfterBytes());
        }
      }
    }
    return max;
  }

  public int collections(long fromMs, long toMs) {
    synchronized (samples) {
      return (int) samples.stream().filter(s -> s.atMs() >= fromMs && s.atMs() < toMs).count();
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (Exception e) {
        // already gone
      }
    }
  }
}
