package io.rtm.bench.child;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkThrowable;

/**
 * The short name a report shows for why a mode could not run a workload: the most specific Spark
 * error condition in the cause chain, else the root cause's class.
 */
public final class ErrorLabel {
  /** Wrappers whose condition says only that something underneath failed. */
  private static final Set<String> WRAPPERS = Set.of("STREAM_FAILED", "RTM_STAGE_FAILED", "RTM_RECOVERY_EXHAUSTED");

  private ErrorLabel() {}

  public static String of(Throwable t) {
    List<Throwable> chain = chain(t);
    String wrapper = null;
    for (Throwable c : chain) {
      if (c instanceof SparkThrowable s && s.getCondition() != null) {
        if (!WRAPPERS.contains(s.getCondition())) {
          return s.getCondition();
        }
        wrapper = wrapper == null ? s.getCondition() : wrapper;
      }
    }
    Throwable root = chain.get(chain.size() - 1);
    if (root instanceof SparkThrowable) {
      return wrapper;
    }
    String rootClass = root.getClass().getSimpleName();
    return wrapper == null ? rootClass : wrapper + ": " + rootClass;
  }

  /** The first line of the root cause's message, for the report's details. */
  public static String message(Throwable t) {
    List<Throwable> chain = chain(t);
    for (Throwable c : chain) {
      if (c instanceof SparkThrowable s && s.getCondition() != null
          && !WRAPPERS.contains(s.getCondition())) {
        return firstLine(c.getMessage());
      }
    }
    return firstLine(String.valueOf(chain.get(chain.size() - 1).getMessage()));
  }

  private static List<Throwable> chain(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 400 ? line.substring(0, 400) + "..." : line;
  }
}
