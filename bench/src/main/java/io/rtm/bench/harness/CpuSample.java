package io.rtm.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of one process and of the whole machine at one instant, from Linux's /proc: the
 * process's user and system time ({@code /proc/<pid>/stat}, fields 14 and 15) and the machine's
 * busy and total time over all cores (the {@code cpu} line of {@code /proc/stat}), all in clock
 * ticks of USER_HZ, which is 100 on every Linux the benchmark runs on (x86-64 and arm64).
 */
public record CpuSample(long processTicks, long machineBusyTicks, long machineTotalTicks, long nanoTime,
    java.util.Map<Long, Thread> threads) {
  public static final double TICKS_PER_SECOND = 100.0;

  /** One thread of the process: its name as Linux keeps it (15 characters at most) and its ticks. */
  public record Thread(String name, long ticks) {}

  /** Without threads. */
  public CpuSample(long processTicks, long machineBusyTicks, long machineTotalTicks, long nanoTime) {
    this(processTicks, machineBusyTicks, machineTotalTicks, nanoTime, java.util.Map.of());
  }

  /** The sample now, or null where /proc cannot be read (not Linux, or the process is gone). */
  public static CpuSample of(long pid) {
    try {
      long process = processTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
      long[] machine = machineTicks(Files.readAllLines(Path.of("/proc/stat")).get(0));
      return new CpuSample(process, machine[0], machine[1], System.nanoTime(), threads(pid));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Every thread of {@code pid} by thread id; a thread that ends while it is read is left out. */
  static java.util.Map<Long, Thread> threads(long pid) throws IOException {
    java.util.Map<Long, Thread> threads = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          threads.put(Long.parseLong(task.getFileName().toString()), new Thread(name(stat), processTicks(stat)));
        } catch (IOException | RuntimeException ended) {
          // the thread ended between the listing and the read
        }
      }
    }
    return threads;
  }

  /** The command (for a thread, its name) between the first '(' and the last ')'. */
  static String name(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** utime + stime; the command name in parentheses may hold spaces, so fields count from its ')'. */
  static long processTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // fields[0] is field 3 (state): utime, field 14, is fields[11]; stime, field 15, fields[12]
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** {busy, total}: idle and iowait are not busy; guest time is already inside user time. */
  static long[] machineTicks(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long total = 0;
    // user nice system idle iowait irq softirq steal (guest and guest_nice are counted in user)
    for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
    return new long[] {total - idle, total};
  }
}
