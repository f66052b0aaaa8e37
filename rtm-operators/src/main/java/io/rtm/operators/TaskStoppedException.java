package io.rtm.operators;

/** The task was interrupted, the way Spark stops a query's tasks; not a failure. */
public final class TaskStoppedException extends RuntimeException {
  public TaskStoppedException(InterruptedException cause) {
    super("real-time stage task interrupted", cause);
  }
}
