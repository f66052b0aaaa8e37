package io.rtm.plugin;

import io.rtm.operators.registry.ProducerRegistry;

/**
 * The driver side of the plugin, set when the driver plugin starts. Its presence is how the
 * analyzer rule knows that {@code spark.plugins} loaded the plugin in this application.
 */
final class DriverServices {
  private static volatile ProducerRegistry registry;

  private DriverServices() {}

  static void install(ProducerRegistry r) {
    registry = r;
  }

  static void uninstall() {
    registry = null;
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
