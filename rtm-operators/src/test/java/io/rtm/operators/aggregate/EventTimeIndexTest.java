package io.rtm.operators.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.junit.jupiter.api.Test;

class EventTimeIndexTest {
  /** A store double: key id to leave time, iterable while keys are removed (as Spark's stores are). */
  private final Map<Long, Long> store = new ConcurrentHashMap<>();
  private final List<Long> released = new ArrayList<>();

  private final EventTimeIndex.Scan scan = entry -> {
    UnsafeRow reused = row(0);
    for (Map.Entry<Long, Long> e : store.entrySet()) {
      reused.setLong(0, e.getKey());
      entry.accept(e.getValue(), reused);
    }
  };

  private void put(EventTimeIndex index, long id, long time) {
    store.put(id, time);
    index.add(time, row(id));
  }

  private void release(EventTimeIndex index, long watermark) {
    index.releaseUpTo(watermark, scan, key -> {
      long id = key.getLong(0);
      if (store.remove(id) != null) {
        released.add(id);
      }
    });
  }

  @Test
  void releasesExactlyTheDueKeysWhileHoldingAtMostItsCapacity() {
    int capacity = 50;
    EventTimeIndex index = new EventTimeIndex(capacity);
    Random random = new Random(7);
    long watermark = 0;
    long id = 0;
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < 100; i++) { // times ahead of the watermark, many keys per time
        put(index, id++, watermark + 1 + random.nextInt(300));
      }
      watermark += random.nextInt(40);
      long wm = watermark;
      Set<Long> due = new HashSet<>();
      store.forEach((k, t) -> {
        if (t <= wm) {
          due.add(k);
        }
      });
      released.clear();
      release(index, watermark);
      assertEquals(due, new HashSet<>(released), "round " + round);
      store.values().forEach(t -> assertTrue(t > wm));
      assertTrue(index.size() <= capacity, "heap entries " + index.size());
    }
    // 20,000 keys passed through; a scan happens only when the watermark passes what the index holds
    assertTrue(index.scans() < 200, "scans " + index.scans());
  }

  @Test
  void scansOnlyOnceWhenTheStateFitsAndOnTheFirstWatermarkRebuildsFromTheStore() {
    // keys in the store before the index knew them: a restarted task's restored state
    store.put(1L, 10L);
    store.put(2L, 20L);
    EventTimeIndex index = new EventTimeIndex(100);
    put(index, 3L, 30L);
    release(index, 15);
    assertEquals(List.of(1L), released);
    assertEquals(1, index.scans());
    put(index, 4L, 25L);
    release(index, 26);
    release(index, 40);
    assertEquals(Set.of(1L, 2L, 3L, 4L), new HashSet<>(released));
    assertEquals(1, index.scans());
    assertEquals(0, index.size());
  }

  @Test
  void aTimeWithMoreKeysThanTheCapacityIsReleasedByAScan() {
    EventTimeIndex index = new EventTimeIndex(10);
    release(index, 0); // first scan: empty store
    for (long k = 0; k < 1000; k++) {
      put(index, k, 100L); // one window end, many keys: more than fits
    }
    assertTrue(index.size() <= 10);
    release(index, 99);
    assertEquals(List.of(), released);
    release(index, 100);
    assertEquals(1000, released.size());
    assertTrue(store.isEmpty());
  }

  @Test
  void rejectsAnIndexWithoutRoom() {
    assertThrows(IllegalArgumentException.class, () -> new EventTimeIndex(0));
  }

  private static UnsafeRow row(long id) {
    UnsafeRow r = new UnsafeRow(1);
    r.pointTo(new byte[16], 16);
    r.setLong(0, id);
    return r;
  }
}
