package io.rtm.plugin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RtmErrorsTest {
  @Test
  void messagesCarryConditionParametersAndSqlState() {
    RealTimeModeException e = RtmErrors.insufficientTaskSlots(12, 8, 8, "stage 0: 2 tasks; stage 1: 10 tasks");
    assertThat(e.getCondition()).isEqualTo("RTM_INSUFFICIENT_TASK_SLOTS");
    assertThat(e.getSqlState()).isEqualTo("53000");
    assertThat(e.getMessage())
        .startsWith("[RTM_INSUFFICIENT_TASK_SLOTS] The real-time query needs 12 task slots")
        .contains("has 8 free of 8")
        .contains("local[12]")
        .endsWith("SQLSTATE: 53000");
    assertThat(e.getMessageParameters()).containsEntry("needed", "12");
  }

  @Test
  void everyConditionHasASqlStateAndEveryFactoryFillsEveryParameter() {
    Map<String, String> templates = RtmErrors.conditionTemplates();
    assertThat(templates).isNotEmpty();
    templates.keySet().forEach(c -> assertThat(RtmErrors.sqlState(c)).as(c).matches("[0-9A-Z]{5}"));
    for (RealTimeModeException e : new RealTimeModeException[] {
        RtmErrors.unsupportedOperator("Aggregate", "why"),
        RtmErrors.unsupportedPartitioning("rangepartitioning(a)", "Exchange"),
        RtmErrors.multipleInputsInStage(2, "a, b"),
        RtmErrors.insufficientTaskSlots(1, 0, 0, "s"),
        RtmErrors.pluginNotLoaded(),
        RtmErrors.stageFailed("stage 1", "run", new IllegalStateException("boom")),
        RtmErrors.unsupportedSink("DeltaSink[/t]", "Use toTable"),
        RtmErrors.epochsStalled(60000, "run"),
        RtmErrors.sinkSchemaMismatch("merchant", "t", "event_id, account_id"),
        RtmErrors.sinkSchemaChanged("t", "column note STRING added", 7, new IllegalStateException("changed")),
        RtmErrors.sinkCommitFailed("t", 7, new IllegalStateException("io")),
        RtmErrors.sinkColumnNotWritten("note", "STRING", "t"),
        RtmErrors.deltaUpsertNeedsAggregation("t"),
        RtmErrors.deltaUpsertKeysUnknown("t", "the grouping key a is not among the columns the query writes (n)"),
        RtmErrors.deltaUpsertTooManyKeys("t", 1, 7, 100),
        RtmErrors.recoveryExhausted(4, 3, "stage 1",
            RtmErrors.stageFailed("stage 1", "run", new IllegalStateException("boom")))}) {
      assertThat(templates).containsKey(e.getCondition());
      assertThat(e.getMessage()).as(e.getCondition()).doesNotContainPattern("<[a-zA-Z]+>");
    }
  }

  @Test
  void stageFailureNamesTheRootCause() {
    RealTimeModeException e = RtmErrors.stageFailed("stage 1", "run-1",
        new RuntimeException("wrapper", new java.io.IOException("peer 127.0.0.1:5000 lost")));
    assertThat(e.getMessage()).contains("stage 1").contains("peer 127.0.0.1:5000 lost");
    assertThat(e.getCause()).hasMessage("wrapper");
  }

  @Test
  void exhaustedRecoveryNamesTheLastRootCauseAndKeepsTheStageFailure() {
    RealTimeModeException last = RtmErrors.stageFailed("task 0 of Spark stage 7 on executor 1", "run-4",
        new RuntimeException("wrapper", new java.io.IOException("executor 1 lost")));
    RealTimeModeException e = RtmErrors.recoveryExhausted(4, 3, "task 0 of Spark stage 7 on executor 1", last);
    assertThat(e.getCondition()).isEqualTo("RTM_RECOVERY_EXHAUSTED");
    assertThat(e.getMessage()).contains("failed 4 times in a row without committing any new input").contains("maxRetries=3")
        .contains("executor 1 lost");
    assertThat(e.getCause()).isSameAs(last);
  }
}
