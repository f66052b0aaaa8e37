package io.rtm.bench.child;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ErrorLabel} for JVMs without Spark (the Flink mode): the root cause's class, after the
 * outermost exception's when they differ (Flink wraps a job's failure in JobExecutionException).
 */
final class PlainErrorLabel {
  private PlainErrorLabel() {}

  static String of(Throwable t) {
    List<Throwable> chain = chain(t);
    String root = chain.get(chain.size() - 1).getClass().getSimpleName();
    String outer = t.getClass().getSimpleName();
    return chain.size() == 1 || outer.equals(root) ? root : outer + ": " + root;
  }

  static String message(Throwable t) {
    List<Throwable> chain = chain(t);
    String message = String.valueOf(chain.get(chain.size() - 1).getMessage()).strip();
    String line = message.lines().findFirst().orElse("");
    return line.length() > 400 ? line.substring(0, 400) + "..." : line;
  }

  private static List<Throwable> chain(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }
}
