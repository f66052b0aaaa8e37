package io.rtm.plugin;

/**
 * Whether and when a failed real-time run restarts: at most {@code maxRetries} restarts in a row
 * without progress (new input committed) between them, each after an exponentially growing wait. A
 * run that committed new input before it failed starts a new series, so a long-running query is not
 * failed by failures spread over days, while a record that fails every run exhausts the retries.
 */
final class RecoveryPolicy {
  /** What to do after a failure. */
  record Decision(boolean restart, int failuresInARow, long backoffMs) {}

  private final int maxRetries;
  private final long initialBackoffMs;
  private final long maxBackoffMs;
  private int failuresInARow;

  RecoveryPolicy(int maxRetries, long initialBackoffMs, long maxBackoffMs) {
    this.maxRetries = maxRetries;
    this.initialBackoffMs = initialBackoffMs;
    this.maxBackoffMs = Math.max(initialBackoffMs, maxBackoffMs);
  }

  /** @param committedDuringRun whether the failed run committed new input (not only empty epochs) */
  synchronized Decision onFailure(boolean committedDuringRun) {
    failuresInARow = committedDuringRun ? 1 : failuresInARow + 1;
    if (failuresInARow > maxRetries) {
      return new Decision(false, failuresInARow, 0);
    }
    long backoff = initialBackoffMs;
    for (int i = 1; i < failuresInARow && backoff < maxBackoffMs; i++) {
      backoff *= 2;
    }
    return new Decision(true, failuresInARow, Math.min(backoff, maxBackoffMs));
  }

  /** Whether the last run failed, so the current run is a restart. */
  synchronized boolean recovering() {
    return failuresInARow > 0;
  }

  int maxRetries() {
    return maxRetries;
  }
}
