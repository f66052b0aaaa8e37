package io.rtm.plugin;

import io.rtm.operators.metrics.EpochStats;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Driver-side sums of the stage tasks' epoch figures, per run and epoch, until the run's progress
 * reporter takes an epoch. Bounded: a run keeps at most {@link #MAX_PENDING_EPOCHS} epochs nobody
 * took (the oldest go first), and figures of runs that never said how many tasks they have are
 * dropped with the run.
 */
final class EpochStatsCollector {
  static final int MAX_PENDING_EPOCHS = 256;

  private static final class Run {
    volatile int expectedTasks;
    final TreeMap<Long, EpochStats> epochs = new TreeMap<>();
    long taken = Long.MIN_VALUE;
  }

  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  /** Figures arrive only for runs that announced themselves; anything else is dropped. */
  void expect(String runId, int tasks) {
    runs.computeIfAbsent(runId, k -> new Run()).expectedTasks = tasks;
  }

  int expectedTasks(String runId) {
    Run run = runs.get(runId);
    return run == null ? 0 : run.expectedTasks;
  }

  void add(EpochStats task) {
    Run run = runs.get(task.queryRunId());
    if (run == null) {
      return;
    }
    synchronized (run) {
      if (task.epoch() <= run.taken) {
        return; // arrived after its epoch was reported
      }
      EpochStats sum = run.epochs.get(task.epoch());
      if (sum == null) {
        run.epochs.put(task.epoch(), task);
        while (run.epochs.size() > MAX_PENDING_EPOCHS) {
          run.epochs.pollFirstEntry();
        }
      } else {
        sum.merge(task);
      }
    }
  }

  /** Tasks whose figures of {@code epoch} arrived so far. */
  int tasksReported(String runId, long epoch) {
    Run run = runs.get(runId);
    if (run == null) {
      return 0;
    }
    synchronized (run) {
      EpochStats sum = run.epochs.get(epoch);
      return sum == null ? 0 : sum.tasks();
    }
  }

  /** Removes and returns the sum of {@code epoch} (null when no task reported it); earlier epochs go too. */
  EpochStats take(String runId, long epoch) {
    Run run = runs.get(runId);
    if (run == null) {
      return null;
    }
    synchronized (run) {
      run.taken = Math.max(run.taken, epoch);
      run.epochs.headMap(epoch, false).clear();
      return run.epochs.remove(epoch);
    }
  }

  void forget(String runId) {
    runs.remove(runId);
  }
}
