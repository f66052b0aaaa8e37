package io.rtm.plugin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The restart bookkeeping of each query run, kept on the driver across the runs that
 * {@code ContinuousExecution} starts one after another (each run plans a new root and so a new
 * {@link RealTimeQueryRun}). Bounded: a query stopped between two runs leaves its entry behind, so
 * the oldest entries are dropped beyond {@link #MAX_QUERIES}.
 */
final class QueryRecoveries {
  static final int MAX_QUERIES = 1024;

  private static final Map<String, RecoveryPolicy> POLICIES = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, RecoveryPolicy> eldest) {
      return size() > MAX_QUERIES;
    }
  };

  private QueryRecoveries() {}

  static synchronized RecoveryPolicy forRun(String queryRunKey, Supplier<RecoveryPolicy> create) {
    return POLICIES.computeIfAbsent(queryRunKey, k -> create.get());
  }

  /** The query stopped or failed for good. */
  static synchronized void forget(String queryRunKey) {
    POLICIES.remove(queryRunKey);
  }

  static synchronized int size() {
    return POLICIES.size();
  }
}
