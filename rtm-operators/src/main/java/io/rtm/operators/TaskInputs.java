package io.rtm.operators;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands a stage task's {@link EpochInput} to the leaf RDD that Spark's operators pull from.
 *
 * <p>The leaf's {@code compute} runs inside the stage task's own {@code compute}, on the same task,
 * but Spark gives it only a partition and a TaskContext; this map, keyed by task attempt id, is how
 * it finds the input the stage task opened.
 */
public final class TaskInputs {
  private static final ConcurrentHashMap<Long, EpochInput> INPUTS = new ConcurrentHashMap<>();

  private TaskInputs() {}

  static void register(long taskAttemptId, EpochInput input) {
    INPUTS.put(taskAttemptId, input);
  }

  static void unregister(long taskAttemptId) {
    INPUTS.remove(taskAttemptId);
  }

  static EpochInput of(long taskAttemptId) {
    EpochInput input = INPUTS.get(taskAttemptId);
    if (input == null) {
      throw new IllegalStateException(
          "Task " + taskAttemptId + " reads a real-time stage input that its stage task did not "
              + "open; real-time leaf operators can only run inside a real-time stage task");
    }
    return input;
  }
}
