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
 * the collectors' notifications, so it forces no collection itself. It also keeps how long each
 * stop-the-world collection took: every record in flight waits out a pause, so the share of time
 * in pauses bounds how low a p99 can go.
 */
public final class LiveHeapMonitor implements AutoCloseable {
  /**
   * One collection: when it ended (wall clock ms), the heap in use after it, and how long the
   * application stood still for it (0 for concurrent cycles).
   */
  public record Sample(long atMs, long usedAfterBytes, long pauseMs) {}

  /** Stop-the-world pauses between two times: how many, their sum and the longest, in ms. */
  public record Pauses(int count, long totalMs, long maxMs) {}

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
    // G1's and Parallel's beans time their pauses; ZGC's and Shenandoah's "Cycles" beans time
    // concurrent work, their "Pauses" beans the pauses.
    String name = info.getGcName();
    boolean concurrent = name.contains("Cycles") || name.contains("Concurrent");
    long pauseMs = concurrent ? 0 : info.getGcInfo().getDuration();
    synchronized (samples) {
      samples.add(new Sample(System.currentTimeMillis(), used, pauseMs));
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

  public Pauses pauses(long fromMs, long toMs) {
    int count = 0;
    long total = 0;
    long max = 0;
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.atMs() >= fromMs && s.atMs() < toMs && s.pauseMs() > 0) {
          count++;
          total += s.pauseMs();
          max = Math.max(max, s.pauseMs());
        }
      }
    }
    return new Pauses(count, total, max);
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
