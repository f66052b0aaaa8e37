package io.rtm.plugin;

import io.rtm.operators.registry.ProducerRegistry;

/**
 * The driver side of the plugin, set when the driver plugin starts. Its presence is how the
 * analyzer rule knows that {@code spark.plugins} loaded the plugin in this application.
 */
final class DriverServices {
  private static volatile ProducerRegistry registry;
  private static volatile EpochStatsCollector stats;
  private static volatile RealTimeMetrics metrics;

  private DriverServices() {}

  static void install(ProducerRegistry r, EpochStatsCollector s, RealTimeMetrics m) {
    stats = s;
    metrics = m;
    registry = r;
  }

  static void uninstall() {
    registry = null;
    stats = null;
    metrics = null;
  }

  /** Where stage tasks' epoch figures are summed; null when the plugin is not loaded. */
  static EpochStatsCollector statsOrNull() {
    return stats;
  }

  static RealTimeMetrics metricsOrNull() {
    return metrics;
  }

  static boolean isLoaded() {
    return registry != null;
  }

  static ProducerRegistry registry() {
    ProducerRegistry r = registry;
    if (r == null) {
      throw io.rtm.plugin.errors.RtmErrors.pluginNotLoaded();
    }
    return r;
  }
}
