package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuSampleTest {
  @Test
  void processTimeIsUserPlusSystemCountedFromTheCommandsParenthesis() {
    // A command name with a space and a ')' of its own, as /proc allows.
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 30 0 0 0 1234 567 0 0 20 0 60 0 100 0 0";
    assertThat(CpuSample.processTicks(stat)).isEqualTo(1234 + 567);
  }

  @Test
  void machineBusyLeavesOutIdleAndIowait() {
    long[] ticks = CpuSample.machineTicks("cpu  100 5 50 800 40 3 2 0 0 0");
    assertThat(ticks[1]).isEqualTo(100 + 5 + 50 + 800 + 40 + 3 + 2);
    assertThat(ticks[0]).isEqualTo(100 + 5 + 50 + 3 + 2);
  }

  @Test
  void thisJvmCanBeSampled() {
    CpuSample sample = CpuSample.of(ProcessHandle.current().pid());
    assertThat(sample).isNotNull();
    assertThat(sample.machineTotalTicks()).isGreaterThan(sample.machineBusyTicks());
    assertThat(sample.threads().values()).extracting(CpuSample.Thread::name).contains("VM Thread");
  }
}
