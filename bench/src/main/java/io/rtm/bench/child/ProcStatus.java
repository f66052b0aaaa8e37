package io.rtm.bench.child;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set sizes from {@code /proc/self/status} (Linux); -1 where it cannot be read. */
public final class ProcStatus {
  private ProcStatus() {}

  /** VmHWM: the peak resident set size of this process, in bytes. */
  public static long peakRssBytes() {
    return field("VmHWM:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          // "VmHWM:	  123456 kB"
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
