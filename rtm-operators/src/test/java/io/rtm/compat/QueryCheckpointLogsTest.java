package io.rtm.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class QueryCheckpointLogsTest {
  /** A log read that fails Spark's cache assertion {@code failures} times, then answers. */
  private static final class EvictingRead implements Supplier<String> {
    private int failures;
    int calls;

    EvictingRead(int failures) {
      this.failures = failures;
    }

    @Override
    public String get() {
      calls++;
      if (failures-- > 0) {
        // What HDFSMetadataLog.get's assert(metadata != null) throws when the entry was evicted.
        throw new AssertionError("assertion failed");
      }
      return "entry";
    }
  }

  @Test
  void anEntryEvictedBetweenTheCacheCheckAndTheCacheReadIsReadAgain() {
    EvictingRead read = new EvictingRead(1);

    assertThat(QueryCheckpointLogs.readEvictionSafe(read)).isEqualTo("entry");
    assertThat(read.calls).isEqualTo(2);
  }

  @Test
  void aReadThatKeepsFailingTheAssertionFailsAfterThreeAttempts() {
    EvictingRead read = new EvictingRead(Integer.MAX_VALUE);

    assertThatThrownBy(() -> QueryCheckpointLogs.readEvictionSafe(read)).isInstanceOf(AssertionError.class);
    assertThat(read.calls).isEqualTo(3);
  }

  @Test
  void otherFailuresAreNotRetried() {
    int[] calls = {0};
    Supplier<String> broken = () -> {
      calls[0]++;
      throw new IllegalStateException("io");
    };

    assertThatThrownBy(() -> QueryCheckpointLogs.readEvictionSafe(broken)).isInstanceOf(IllegalStateException.class);
    assertThat(calls[0]).isEqualTo(1);
  }
}
