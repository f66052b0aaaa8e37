package io.rtm.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest value of every key updated in one epoch, bounded: an upsert needs one row per key
 * (a MERGE refuses two source rows for one target row), and only the last update of a key in the
 * epoch is the key's value when the epoch commits. Keys stay in the order of their first update.
 */
final class LatestPerKey<K, V> {
  private final int maxKeys;
  private final Map<K, V> latest = new LinkedHashMap<>();

  /** @param maxKeys the most keys one epoch may update */
  LatestPerKey(int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1, not " + maxKeys);
    }
    this.maxKeys = maxKeys;
  }

  /**
   * Keeps {@code value} as the key's latest.
   *
   * @return false, keeping nothing, when {@code key} is new and the epoch already updated the most keys
   */
  boolean put(K key, V value) {
    if (latest.size() >= maxKeys && !latest.containsKey(key)) {
      return false;
    }
    latest.put(key, value);
    return true;
  }

  int size() {
    return latest.size();
  }

  List<V> values() {
    return new ArrayList<>(latest.values());
  }

  void clear() {
    latest.clear();
  }
}
