package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rtm.bench.harness.CpuSample;
import org.junit.jupiter.api.Test;

class CpuUsageTest {
  @Test
  void coresPerEventAndMachineBusyOverTheWindow() {
    CpuSample start = new CpuSample(1_000, 5_000, 10_000, 0);
    // 20 s later: 1,700 ticks (17 s of CPU) in the process, 3,000 of 4,000 machine ticks busy.
    CpuSample end = new CpuSample(2_700, 8_000, 14_000, 20_000_000_000L);
    CpuUsage usage = CpuUsage.between(start, end, 10_000);
    assertThat(usage.modeCores()).isCloseTo(0.85, within(1e-9));
    assertThat(usage.microsPerEvent()).isCloseTo(85.0, within(1e-9));
    assertThat(usage.machineBusy()).isCloseTo(0.75, within(1e-9));
  }

  @Test
  void threadsAreGroupedByNameWithoutDigitsBusiestFirst() {
    CpuSample start = new CpuSample(0, 0, 10, 0, java.util.Map.of(
        1L, new CpuSample.Thread("C2 CompilerThre", 100),
        2L, new CpuSample.Thread("Executor task l", 50),
        9L, new CpuSample.Thread("gone", 500)));
    CpuSample end = new CpuSample(0, 0, 20, 10_000_000_000L, java.util.Map.of(
        1L, new CpuSample.Thread("C2 CompilerThre", 300),
        2L, new CpuSample.Thread("Executor task l", 150),
        3L, new CpuSample.Thread("Executor task l", 250),
        4L, new CpuSample.Thread("rtm-epoch-watch-0-1", 10)));
    var cores = CpuUsage.between(start, end, 1).threadCores();
    // 10 s: the tasks 100 + 250 ticks = 0.35 cores, the compiler 200 ticks = 0.2
    assertThat(cores.keySet()).containsExactly("Executor task l", "CN CompilerThre", "rtm-epoch-watch-N-N");
    assertThat(cores.get("Executor task l")).isCloseTo(0.35, within(1e-9));
    assertThat(cores.get("CN CompilerThre")).isCloseTo(0.2, within(1e-9));
  }

  @Test
  void aMissingSampleIsUnknown() {
    assertThat(CpuUsage.between(null, new CpuSample(1, 1, 2, 1), 10).known()).isFalse();
    assertThat(CpuUsage.between(new CpuSample(1, 1, 2, 5), new CpuSample(2, 1, 2, 5), 10).known()).isFalse();
  }
}
