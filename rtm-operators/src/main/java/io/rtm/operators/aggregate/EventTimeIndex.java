package io.rtm.operators.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * State keys ordered by the event time at which they leave the state, so that a rising watermark
 * touches only the keys it releases instead of scanning the whole store as Spark does once per
 * batch. Owned by the task thread.
 *
 * <p>Bounded: it holds at most {@code capacity} keys, the earliest to leave. It always knows a
 * horizon at or below which it holds every key of the state; keys later than the horizon are left
 * to the store (RocksDB keeps them off the heap). When the watermark passes the horizon the index
 * is rebuilt by one full scan of the store, which also releases every key due by then, as Spark's
 * own operators do once per batch. So with at most {@code capacity} keys in the state the store is
 * scanned once per task (at its first watermark: that scan also rebuilds the index after a restart);
 * with more, once each time the watermark has released about {@code capacity} keys.
 */
public final class EventTimeIndex {
  /** Every key of the state the index tracks, with the time it leaves at; keys may be reused rows. */
  public interface Scan {
    void forEach(Entry entry);
  }

  /** One key met by a {@link Scan}. */
  public interface Entry {
    void accept(long time, UnsafeRow key);
  }

  private final int capacity;
  private final TreeMap<Long, List<UnsafeRow>> byTime = new TreeMap<>();
  private int size;
  /** Every key of the state whose time is at or below this is in the index; MIN before the first scan. */
  private long horizon = Long.MIN_VALUE;
  private long scans;

  public EventTimeIndex(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("The event-time index needs room for at least one key: " + capacity);
    }
    this.capacity = capacity;
  }

  /** A key that entered the state; the index copies it if it keeps it. */
  public void add(long time, UnsafeRow key) {
    if (time > horizon) {
      return; // the scan that moves the horizon past it will find it in the store
    }
    byTime.computeIfAbsent(time, t -> new ArrayList<>(1)).add(key.copy());
    size++;
    while (size > capacity) {
      Map.Entry<Long, List<UnsafeRow>> latest = byTime.pollLastEntry();
      size -= latest.getValue().size();
      horizon = Math.min(horizon, latest.getKey() - 1);
    }
  }

  /**
   * Hands over and forgets every key whose time is at or below {@code watermark}; the consumer may
   * remove the key from the store (while {@code scan} iterates it, as Spark's eviction does).
   */
  public void releaseUpTo(long watermark, Scan scan, Consumer<UnsafeRow> released) {
    if (watermark > horizon) {
      rebuild(watermark, scan, released);
      return;
    }
    while (!byTime.isEmpty() && byTime.firstKey() <= watermark) {
      Map.Entry<Long, List<UnsafeRow>> due = byTime.pollFirstEntry();
      size -= due.getValue().size();
      due.getValue().forEach(released);
    }
  }

  private void rebuild(long watermark, Scan scan, Consumer<UnsafeRow> released) {
    scans++;
    byTime.clear();
    size = 0;
    horizon = Long.MAX_VALUE;
    scan.forEach((time, key) -> {
      if (time <= watermark) {
        released.accept(key);
      } else {
        add(time, key);
      }
    });
  }

  /** Keys held on the heap now (at most the capacity). */
  public int size() {
    return size;
  }

  /** Full scans of the store so far. */
  public long scans() {
    return scans;
  }
}
