package io.rtm.bench.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Builds and starts a {@code java} command for a child JVM.
 *
 * <p>The classpath goes into an {@code @argfile} next to the log: a Spark or Kafka classpath from
 * the local Maven repository is tens of kilobytes, close to Linux's 128 KiB limit for one
 * argument, and the file also documents exactly what the child ran with.
 */
public final class JavaCommand {
  /** The flags spark-submit adds on Java 17, needed by Spark daemons and executors alike. */
  public static final List<String> SPARK_JAVA17_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final String mainClass;
  private String classpath = "";
  private final List<String> jvmArgs = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();

  private JavaCommand(String mainClass) {
    this.mainClass = mainClass;
  }

  public static JavaCommand main(String mainClass) {
    return new JavaCommand(mainClass);
  }

  /** The java launcher of the running JVM, so children use the same JDK. */
  public static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  public JavaCommand classpath(List<Path> entries) {
    return classpath(
        entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
  }

  /** A classpath string; wildcards such as {@code jars/*} are expanded by the launcher. */
  public JavaCommand classpath(String classpath) {
    this.classpath = classpath;
    return this;
  }

  public JavaCommand jvmArgs(List<String> values) {
    jvmArgs.addAll(values);
    return this;
  }

  public JavaCommand jvmArgs(String... values) {
    return jvmArgs(Arrays.asList(values));
  }

  public JavaCommand args(List<String> values) {
    args.addAll(values);
    return this;
  }

  public JavaCommand args(String... values) {
    return args(Arrays.asList(values));
  }

  public JavaCommand env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Starts the JVM in {@code workingDir}; output goes to {@code logFile}, the argfile beside it. */
  public ChildProcess start(String name, Path workingDir, Path logFile) {
    Path argFile = logFile.resolveSibling(logFile.getFileName() + ".args");
    writeArgFile(argFile);
    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.add("@" + argFile.toAbsolutePath());
    command.addAll(args);
    return ChildProcess.start(name, command, env, workingDir, logFile);
  }

  /** Runs the JVM to completion; fails with the output's tail unless it exits with 0. */
  public void run(String name, Path workingDir, Path logFile, Duration timeout) {
    ChildProcess child = start(name, workingDir, logFile);
    try {
      if (!child.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        child.kill();
        throw new IllegalStateException(
            name + " did not finish in " + timeout + ":\n" + child.tail(40));
      }
    } catch (InterruptedException e) {
      child.kill();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " interrupted", e);
    }
    if (child.process().exitValue() != 0) {
      throw new IllegalStateException(
          name + " exited with " + child.process().exitValue() + ":\n" + child.tail(40));
    }
  }

  private void writeArgFile(Path argFile) {
    List<String> lines = new ArrayList<>();
    for (String arg : jvmArgs) {
      lines.add(quote(arg));
    }
    if (!classpath.isEmpty()) {
      lines.add("-cp");
      lines.add(quote(classpath));
    }
    lines.add(quote(mainClass));
    try {
      Files.createDirectories(argFile.toAbsolutePath().getParent());
      Files.write(argFile, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Argfile quoting: double quotes, with backslash escapes for backslash and quote. */
  private static String quote(String arg) {
    return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
