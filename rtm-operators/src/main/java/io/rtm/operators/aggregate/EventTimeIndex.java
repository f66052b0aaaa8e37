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
 * batch. Rebuilt from the store when a task starts; owned by the task thread.
 */
final class EventTimeIndex {
  private final TreeMap<Long, List<UnsafeRow>> byTime = new TreeMap<>();

  /** @param key a copy the index may keep */
  void add(long timeMicros, UnsafeRow key) {
    byTime.computeIfAbsent(timeMicros, t -> new ArrayList<>(1)).add(key);
  }

  /** Hands over and forgets every key whose time is at or below {@code watermarkMicros}. */
  void releaseUpTo(long watermarkMicros, Consumer<UnsafeRow> released) {
    while (!byTime.isEmpty() && byTime.firstKey() <= watermarkMicros) {
      Map.Entry<Long, List<UnsafeRow>> due = byTime.pollFirstEntry();
      due.getValue().forEach(released);
    }
  }
}
