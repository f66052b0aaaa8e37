package io.rtm.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A minimal SPARK_HOME built from Maven artifacts: {@code jars/} holds symlinks to {@link
 * Classpaths#sparkRuntime()}, {@code conf/} a log4j2 configuration. A worker launches each
 * executor with {@code $SPARK_HOME/conf:$SPARK_HOME/jars/*}, so this is what executors load.
 */
public final class SparkHome {
  private final Path dir;

  private SparkHome(Path dir) {
    this.dir = dir;
  }

  public static SparkHome create(Path dir) {
    return create(dir, Classpaths.sparkRuntime());
  }

  public static SparkHome create(Path dir, List<Path> jars) {
    Path jarsDir = dir.resolve("jars");
    try {
      Files.createDirectories(jarsDir);
      Set<String> names = new HashSet<>();
      for (Path jar : jars) {
        if (!Files.isRegularFile(jar)) {
          continue; // a classes directory cannot go into jars/; SPARK_HOME holds only jars
        }
        String name = jar.getFileName().toString();
        // Two artifacts may share a file name (same artifactId, different group): keep both.
        if (!names.add(name)) {
          name = names.size() + "-" + name;
          names.add(name);
        }
        // Symlinks, not copies: the runtime is ~300 MB and the cluster is rebuilt per test.
        Files.createSymbolicLink(jarsDir.resolve(name), jar.toAbsolutePath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build SPARK_HOME in " + dir, e);
    }
    Dirs.write(dir.resolve("conf").resolve("log4j2.properties"), LOG4J2);
    return new SparkHome(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path jarsDir() {
    return dir.resolve("jars");
  }

  public Path confDir() {
    return dir.resolve("conf");
  }

  /** The classpath Spark's launcher gives daemons and executors (wildcard expanded by java). */
  public String classpath() {
    return confDir() + java.io.File.pathSeparator + jarsDir() + "/*";
  }

  private static final String LOG4J2 =
      String.join(
          "\n",
          // Daemons and executors log to files under the cluster dir; WARN keeps per-task INFO
          // lines from costing I/O during benchmarks, deploy INFO keeps registrations visible.
          "rootLogger.level = warn",
          "rootLogger.appenderRef.stderr.ref = console",
          "appender.console.type = Console",
          "appender.console.name = console",
          "appender.console.target = SYSTEM_ERR",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
          "logger.deploy.name = org.apache.spark.deploy",
          "logger.deploy.level = info",
          "logger.kafka010.name = org.apache.spark.sql.kafka010",
          "logger.kafka010.level = error",
          "logger.kafka.name = org.apache.kafka",
          "logger.kafka.level = warn",
          "logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader",
          "logger.hadoop.level = error",
          "");
}
