package io.rtm.bench.report;

import io.rtm.bench.run.CpuUsage;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.spec.Workload;
import java.util.List;
import java.util.Locale;

/**
 * Per workload, the CPU each mode's JVM used over the measured window, per event and in cores,
 * with how busy the machine was: where latency differs between modes on a saturated machine, the
 * per-event cost is usually why, and the plugin's per-epoch work shows as the difference between its
 * epoch intervals at the same rate.
 */
final class CpuTable {
  private CpuTable() {}

  /** The table for {@code workload}, or empty when none of its runs measured a window's CPU. */
  static String table(Workload workload, List<RunResult> results) {
    List<RunResult> measured = results.stream()
        .filter(r -> r.spec().workload() == workload && r.ok() && r.cpu() != null && r.cpu().known())
        .toList();
    if (measured.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("CPU of the mode's JVM over the measured window (`/proc/<pid>/stat`;"
        + " machine busy: all cores, from `/proc/stat`):\n\n"
        + "| mode | rate/s | JVM cores | CPU µs per event | machine busy | busiest threads (cores; Linux keeps 15"
        + " characters of a name, digits shown as N) |\n|---|---:|---:|---:|---:|---|\n");
    for (RunResult r : measured) {
      CpuUsage cpu = r.cpu();
      md.append("| ").append(r.spec().mode().id()).append(" | ").append(r.spec().rate()).append(" | ")
          .append(String.format(Locale.ROOT, "%.2f", cpu.modeCores())).append(" | ")
          .append(Double.isNaN(cpu.microsPerEvent()) ? "—" : String.format(Locale.ROOT, "%.0f", cpu.microsPerEvent()))
          .append(" | ")
          .append(Double.isNaN(cpu.machineBusy()) ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * cpu.machineBusy()))
          .append(" | ").append(threads(cpu)).append(" |\n");
    }
    return md.append("\n").toString();
  }

  private static String threads(CpuUsage cpu) {
    if (cpu.threadCores().isEmpty()) {
      return "—";
    }
    StringBuilder s = new StringBuilder();
    cpu.threadCores().forEach((name, cores) -> s.append(s.length() == 0 ? "" : ", ")
        .append(name.replace("|", "/")).append(' ').append(String.format(Locale.ROOT, "%.2f", cores)));
    return s.toString();
  }
}
