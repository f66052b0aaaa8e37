package io.rtm.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the numbers were measured on, read from /proc and the JVM, and how fast its CPU was when the
 * report was written ({@link CpuProbe}, with the modes' JVMs gone).
 */
public record MachineInfo(int cores, String cpu, long memoryBytes, String os, String jvm, String spark, String kafka,
    double cpuProbeMs) {

  public static MachineInfo current() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        procField(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"),
        procField(Path.of("/proc/meminfo"), "MemTotal")
            .map(v -> Long.parseLong(v.replace("kB", "").trim()) * 1024).orElse(-1L),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        org.apache.kafka.common.utils.AppInfoParser.getVersion(),
        CpuProbe.millis());
  }

  public String describe() {
    return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB memory, %s, %s, Spark %s, Kafka %s;"
            + " CPU probe %.1f ms (SHA-256 of 8 MiB on one thread, best of 5, taken as the report was"
            + " written: compare it across runs, lower is faster)",
        cores, cpu, memoryBytes / (1024.0 * 1024 * 1024), os, jvm, spark, kafka, cpuProbeMs);
  }

  private static java.util.Optional<String> procField(Path file, String name) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.stream()
          .filter(l -> l.startsWith(name))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
