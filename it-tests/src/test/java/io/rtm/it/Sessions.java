package io.rtm.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/** SparkSessions configured the way spark-conf/spark-defaults.conf configures a user's application. */
final class Sessions {
  private Sessions() {}

  static Path pluginJar() {
    Path jar = Paths.get(System.getProperty("rtm.plugin.jar", "../rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar"))
        .toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The shaded plugin jar " + jar + " is missing: run mvn verify from the root");
    }
    return jar;
  }

  static Path workDir(String name) {
    try {
      Path root = Paths.get(System.getProperty("rtm.work.dir", "target/it-work"));
      Files.createDirectories(root);
      return Files.createTempDirectory(root.toAbsolutePath(), name + "-");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SparkSession.Builder realTime(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("rtm-it")
        .config("spark.plugins", "io.rtm.plugin.RealTimeModePlugin")
        .config("spark.sql.extensions", "io.rtm.plugin.RealTimeModeExtensions")
        .config("spark.sql.streaming.realTimeMode.enabled", "true")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.continuous.epochBacklogQueueSize", "100000");
  }
}
