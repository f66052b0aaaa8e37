package io.rtm.plugin;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initializes classes whose static initializers are expensive before a real-time task needs them.
 * A micro-batch pays such a one-time cost inside its first batch; a long-lived real-time task pays
 * it as a stall of every record behind it (Spark 4.2.0's {@code CollationAwareUTF8String}, used by
 * {@code upper()}, takes about 4.5 s of CPU here). Runs once per JVM at minimum priority, off every
 * task thread; a class that is missing is skipped, as the plugin must not fail an executor over it.
 */
final class ClassWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(ClassWarmup.class);

  private ClassWarmup() {}

  static List<String> parse(String classes) {
    List<String> names = new ArrayList<>();
    for (String name : classes.split(",")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    return names;
  }

  /** @return the started thread, or null when there is nothing to warm up */
  static Thread startInBackground(String classes) {
    List<String> names = parse(classes);
    if (names.isEmpty()) {
      return null;
    }
    ClassLoader loader = ClassWarmup.class.getClassLoader();
    Thread thread = new Thread(() -> initialize(names, loader), "rtm-class-warmup");
    thread.setDaemon(true);
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
        LOG.warn("Cannot initialize {} ahead of real-time tasks (spark.rtm.executor.warmupClasses): {}", name, e.toString());
      }
    }
    return initialized;
  }
}
