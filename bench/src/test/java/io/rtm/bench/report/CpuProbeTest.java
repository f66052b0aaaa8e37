package io.rtm.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuProbeTest {
  @Test
  void timesTheWorkloadInMilliseconds() {
    double ms = CpuProbe.millis();
    // SHA-256 runs at tens to thousands of MB/s: 8 MiB takes well over a microsecond and under a minute.
    assertThat(ms).isGreaterThan(0.001).isLessThan(60_000);
  }

  @Test
  void theMachineLineShowsTheProbe() {
    MachineInfo machine = new MachineInfo(2, "cpu", 1L << 30, "os", "jvm", "4.2.0", "3.9.2", 123.45);
    assertThat(machine.describe()).contains("CPU probe 123.5 ms");
  }
}
