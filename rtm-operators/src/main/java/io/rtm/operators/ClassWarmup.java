package io.rtm.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initializes classes whose static initializers are expensive before a real-time task needs them.
 * A micro-batch pays such a one-time cost inside its first batch; a long-lived real-time task pays
 * it as a stall of every record behind it (Spark 4.2.0's {@code CollationAwareUTF8String}, used by
 * {@code upper()}, takes about 4.5 s of CPU here). Runs on a daemon thread, off every task thread;
 * a class that is missing is skipped, as the plugin must not fail an executor over it.
 *
 * <p>Each class is started at most once per JVM: the driver of a local-mode query and every task
 * of its stages ask for the same classes, and a second initializer run would only wait for the first.
 */
public final class ClassWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(ClassWarmup.class);
  private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

  private ClassWarmup() {}

  public static List<String> parse(String classes) {
    List<String> names = new ArrayList<>();
    for (String name : classes.split(",")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    return names;
  }

  /** Starts {@link #startOnce(List)} for a comma-separated list. */
  public static Thread startInBackground(String classes) {
    return startOnce(parse(classes));
  }

  /**
   * Initializes, on one background thread, those of {@code names} that no earlier call of this JVM
   * started.
   *
   * @return the started thread, or null when every class was started before (or there is none)
   */
  public static Thread startOnce(List<String> names) {
    List<String> fresh = new ArrayList<>();
    for (String name : names) {
      if (STARTED.add(name)) {
        fresh.add(name);
      }
    }
    if (fresh.isEmpty()) {
      return null;
    }
    ClassLoader loader = ClassWarmup.class.getClassLoader();
    Thread thread = new Thread(() -> initialize(fresh, loader), "rtm-class-warmup");
    thread.setDaemon(true);
    // A hint only: Linux ignores thread priorities without -XX:ThreadPriorityPolicy.
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    return thread;
  }

  static int initialize(List<String> names, ClassLoader loader) {
    int initialized = 0;
    for (String name : names) {
      long start = System.nanoTime();
      try {
        Class.forName(name, true, loader);
        initialized++;
        LOG.info("Initialized {} ahead of real-time tasks in {} ms", name, (System.nanoTime() - start) / 1_000_000);
      } catch (ClassNotFoundException | LinkageError e) {
        LOG.warn("Cannot initialize {} ahead of real-time tasks: {}", name, e.toString());
      }
    }
    return initialized;
  }
}
