package io.rtm.compat;

import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;

/**
 * Installs a task's context on a helper thread. Sources such as Kafka's continuous reader call
 * {@code TaskContext.get()} inside {@code next()}, so the thread that drives them needs the context.
 * {@code setTaskContext}/{@code unset} are {@code protected[spark]} (public in bytecode), checked
 * against Spark 4.2.0 {@code core/.../TaskContext.scala}.
 */
public final class TaskContexts {
  private TaskContexts() {}

  public static void install(TaskContext context) {
    TaskContext$.MODULE$.setTaskContext(context);
  }

  public static void uninstall() {
    TaskContext$.MODULE$.unset();
  }
}
