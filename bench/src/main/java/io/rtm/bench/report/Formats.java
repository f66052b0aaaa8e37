package io.rtm.bench.report;

import java.util.Locale;

/** Number formats shared by the markdown report and the console. */
final class Formats {
  private Formats() {}

  /** Milliseconds from microseconds: one decimal below 100 ms, whole milliseconds above. */
  static String ms(long micros) {
    double ms = micros / 1000.0;
    return ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.0f", ms);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "—" : String.format(Locale.ROOT, "%.0f", bytes / (1024.0 * 1024));
  }

  /** Like {@link #mib}, with a decimal below 100 MiB: state sizes are often well under 1 MiB. */
  static String mibFine(long bytes) {
    if (bytes < 0) {
      return "—";
    }
    double mib = bytes / (1024.0 * 1024);
    return mib < 100 ? String.format(Locale.ROOT, "%.2f", mib) : String.format(Locale.ROOT, "%.0f", mib);
  }

  static String rate(double perSec) {
    return String.format(Locale.ROOT, "%.0f", perSec);
  }

  static String ratio(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f×", value) : "—";
  }
}
