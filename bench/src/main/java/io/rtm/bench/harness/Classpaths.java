package io.rtm.bench.harness;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classpaths for child JVMs, written by the bench build (maven-dependency-plugin build-classpath)
 * into this package's resources.
 *
 * <p>They are fixed at build time rather than taken from {@code java.class.path} because the
 * running JVM's classpath is whatever its launcher chose: under Surefire it is a manifest-only
 * booter jar, and in a downstream module it holds that module's jars, not the broker's.
 */
public final class Classpaths {
  private Classpaths() {}

  /** kafka_2.13 and its runtime dependencies (versions as mediated with Spark's). */
  public static List<Path> kafkaBroker() {
    return read("kafka-broker.classpath");
  }

  /** Spark's runtime jars plus spark-sql-kafka and kafka-clients: a SPARK_HOME/jars folder. */
  public static List<Path> sparkRuntime() {
    return read("spark-runtime.classpath");
  }

  /**
   * Apache Flink's runtime jars with its Kafka connector and that connector's own kafka-clients,
   * resolved apart from Spark's (bench/flink-runtime/pom.xml): no Spark, no Scala.
   */
  public static List<Path> flinkRuntime() {
    return read("flink-runtime.classpath");
  }

  /** The Flink mode's JVM: these classes plus {@link #flinkRuntime()}, and nothing of Spark. */
  public static List<Path> flink() {
    List<Path> entries = new ArrayList<>();
    entries.add(harnessLocation());
    entries.addAll(flinkRuntime());
    return entries;
  }

  /**
   * What the harness's own {@code main} classes (EventGenerator, LatencyRecorder) need in a
   * separate JVM: the harness classes themselves plus the Spark runtime classpath.
   */
  public static List<Path> harness() {
    List<Path> entries = new ArrayList<>();
    entries.add(harnessLocation());
    entries.addAll(sparkRuntime());
    return entries;
  }

  /** The jar or classes directory these classes were loaded from. */
  public static Path harnessLocation() {
    try {
      return Path.of(Classpaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> read(String resource) {
    String text;
    try (InputStream in = Classpaths.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is missing from the classpath: build the bench module with Maven"
                + " (mvn -pl bench install) so that it is generated");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Path> entries = new ArrayList<>();
    for (String entry : text.split(File.pathSeparator)) {
      Path path = Path.of(entry.trim());
      if (!Files.exists(path)) {
        throw new IllegalStateException(
            path + " (listed in " + resource + ") does not exist: the local Maven repository"
                + " changed since bench was built; rebuild it");
      }
      entries.add(path);
    }
    return entries;
  }
}
