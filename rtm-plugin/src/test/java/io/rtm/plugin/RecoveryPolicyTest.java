package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecoveryPolicyTest {
  @Test
  void restartsWithDoublingBackoffUntilTheRetriesRunOut() {
    RecoveryPolicy policy = new RecoveryPolicy(3, 100, 250);
    assertThat(policy.recovering()).isFalse();
    assertThat(policy.onFailure(false)).isEqualTo(new RecoveryPolicy.Decision(true, 1, 100));
    assertThat(policy.recovering()).isTrue();
    assertThat(policy.onFailure(false)).isEqualTo(new RecoveryPolicy.Decision(true, 2, 200));
    assertThat(policy.onFailure(false)).isEqualTo(new RecoveryPolicy.Decision(true, 3, 250));
    assertThat(policy.onFailure(false).restart()).isFalse();
  }

  @Test
  void aRunThatCommittedAnEpochStartsANewSeries() {
    RecoveryPolicy policy = new RecoveryPolicy(2, 100, 1000);
    policy.onFailure(false);
    policy.onFailure(false);
    // Two failures in a row; the third run committed epochs before failing: one failure in a row.
    assertThat(policy.onFailure(true)).isEqualTo(new RecoveryPolicy.Decision(true, 1, 100));
    assertThat(policy.onFailure(false)).isEqualTo(new RecoveryPolicy.Decision(true, 2, 200));
    assertThat(policy.onFailure(false).restart()).isFalse();
  }

  @Test
  void zeroRetriesFailsAtTheFirstFailure() {
    RecoveryPolicy policy = new RecoveryPolicy(0, 100, 1000);
    RecoveryPolicy.Decision d = policy.onFailure(true);
    assertThat(d.restart()).isFalse();
    assertThat(d.failuresInARow()).isEqualTo(1);
  }

  @Test
  void theBackoffNeverOverflowsOnLongSeries() {
    RecoveryPolicy policy = new RecoveryPolicy(Integer.MAX_VALUE, 1, Long.MAX_VALUE / 2);
    long last = 0;
    for (int i = 0; i < 200; i++) {
      last = policy.onFailure(false).backoffMs();
      assertThat(last).isPositive();
    }
    assertThat(last).isEqualTo(Long.MAX_VALUE / 2);
  }

  @Test
  void entriesOfStoppedQueriesAreBounded() {
    for (int i = 0; i < QueryRecoveries.MAX_QUERIES + 10; i++) {
      QueryRecoveries.forRun("q" + i, () -> new RecoveryPolicy(1, 1, 1));
    }
    assertThat(QueryRecoveries.size()).isEqualTo(QueryRecoveries.MAX_QUERIES);
    RecoveryPolicy kept = QueryRecoveries.forRun("q-last", () -> new RecoveryPolicy(1, 1, 1));
    assertThat(QueryRecoveries.forRun("q-last", () -> new RecoveryPolicy(5, 1, 1))).isSameAs(kept);
    QueryRecoveries.forget("q-last");
    assertThat(QueryRecoveries.forRun("q-last", () -> new RecoveryPolicy(5, 1, 1))).isNotSameAs(kept);
  }
}
