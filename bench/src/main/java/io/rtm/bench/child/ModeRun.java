package io.rtm.bench.child;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One mode running one workload inside the mode JVM. */
interface ModeRun {
  /** Starts the query; throws when the mode cannot run the workload. */
  void start() throws Exception;

  /** Completes with the cause if the run dies before {@link #stop()}. */
  CompletableFuture<Throwable> failure();

  /** Epoch or batch commits so far (empty for engines without epochs). */
  List<CommitLogWatcher.Commit> commits();

  /** The report's short name for a failure (Spark's error condition where there is one). */
  default String errorLabel(Throwable t) {
    return ErrorLabel.of(t);
  }

  /** The first line of a failure's message, for the report's details. */
  default String errorMessage(Throwable t) {
    return ErrorLabel.message(t);
  }

  /**
   * Numbers the engine reports about the run, for the {@code result} event, read just before
   * {@link #stop()}: Spark's state size ({@code state_rows}, {@code state_memory_bytes}); none by
   * default.
   */
  default java.util.Map<String, Object> finalMetrics() {
    return java.util.Map.of();
  }

  /** Stops the run and releases everything it holds. */
  void stop();
}
