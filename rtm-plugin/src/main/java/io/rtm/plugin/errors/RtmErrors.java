package io.rtm.plugin.errors;

import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ErrorClassesJsonReader;
import scala.jdk.javaapi.CollectionConverters;

/** The one place the engine's user-facing errors are built; conditions live in error-conditions.json. */
public final class RtmErrors {
  private static final ErrorClassesJsonReader READER = new ErrorClassesJsonReader(
      CollectionConverters.asScala(List.of(conditionsFile())).toList());

  private RtmErrors() {}

  static URL conditionsFile() {
    URL url = RtmErrors.class.getResource("/io/rtm/errors/error-conditions.json");
    if (url == null) {
      throw new IllegalStateException("io/rtm/errors/error-conditions.json is missing from the plugin jar");
    }
    return url;
  }

  public static RealTimeModeException unsupportedOperator(String operator, String reason) {
    return build("RTM_UNSUPPORTED_OPERATOR", null, "operator", operator, "reason", reason);
  }

  public static RealTimeModeException unsupportedOutputMode(String mode, String operator, String reason) {
    return build("RTM_UNSUPPORTED_OUTPUT_MODE", null, "mode", mode, "operator", operator, "reason", reason);
  }

  public static RealTimeModeException unsupportedPartitioning(String partitioning, String operator) {
    return build("RTM_UNSUPPORTED_PARTITIONING", null, "partitioning", partitioning, "operator", operator);
  }

  public static RealTimeModeException multipleInputsInStage(int count, String inputs) {
    return build("RTM_MULTIPLE_INPUTS_IN_STAGE", null, "count", String.valueOf(count), "inputs", inputs);
  }

  public static RealTimeModeException insufficientTaskSlots(int needed, int available, int total, String stages) {
    return build("RTM_INSUFFICIENT_TASK_SLOTS", null, "needed", String.valueOf(needed),
        "available", String.valueOf(available), "total", String.valueOf(total), "stages", stages);
  }

  public static RealTimeModeException pluginNotLoaded() {
    return build("RTM_PLUGIN_NOT_LOADED", null);
  }

  /** @param failed what failed, e.g. "stage 1" or "task 2 of Spark stage 5 on executor 1" */
  public static RealTimeModeException stageFailed(String failed, String run, Throwable cause) {
    return build("RTM_STAGE_FAILED", cause, "failed", failed, "run", run,
        "cause", String.valueOf(rootCause(cause)));
  }

  public static RealTimeModeException epochsStalled(long stallMs, String run) {
    return build("RTM_EPOCHS_STALLED", null, "stallMs", String.valueOf(stallMs), "run", run);
  }

  public static RealTimeModeException unsupportedSink(String sink, String hint) {
    return build("RTM_UNSUPPORTED_SINK", null, "sink", sink, "hint", hint);
  }

  public static RealTimeModeException sinkSchemaMismatch(String column, String table, String tableColumns) {
    return build("RTM_SINK_SCHEMA_MISMATCH", null, "column", column, "table", table, "tableColumns", tableColumns);
  }

  /** Another writer changed the sink table's schema; the epoch's commit failed and the query cannot go on. */
  public static RealTimeModeException sinkSchemaChanged(String table, String changes, long epoch, Throwable cause) {
    return build("RTM_SINK_SCHEMA_CHANGED", cause, "table", table, "changes", changes,
        "epoch", String.valueOf(epoch), "cause", String.valueOf(rootCause(cause)));
  }

  public static RealTimeModeException sinkColumnNotWritten(String column, String type, String table) {
    return build("RTM_SINK_COLUMN_NOT_WRITTEN", null, "column", column, "type", type, "table", table);
  }

  public static RealTimeModeException sinkCommitFailed(String table, long epoch, Throwable cause) {
    return build("RTM_SINK_COMMIT_FAILED", cause, "table", table, "epoch", String.valueOf(epoch),
        "cause", String.valueOf(rootCause(cause)));
  }

  public static RealTimeModeException deltaUpsertNeedsAggregation(String table) {
    return build("RTM_DELTA_UPSERT_NEEDS_AGGREGATION", null, "table", table);
  }

  public static RealTimeModeException deltaUpsertKeysUnknown(String table, String reason) {
    return build("RTM_DELTA_UPSERT_KEYS_UNKNOWN", null, "table", table, "reason", reason);
  }

  public static RealTimeModeException deltaUpsertTooManyKeys(String table, int partition, long epoch, int limit) {
    return build("RTM_DELTA_UPSERT_TOO_MANY_KEYS", null, "table", table, "partition", String.valueOf(partition),
        "epoch", String.valueOf(epoch), "limit", String.valueOf(limit));
  }

  /**
   * The query gave up restarting; the cause is the last run's {@code RTM_STAGE_FAILED}.
   *
   * @param failed what failed last, as for {@link #stageFailed}
   */
  public static RealTimeModeException recoveryExhausted(int failures, int maxRetries, String failed,
      RealTimeModeException lastFailure) {
    return build("RTM_RECOVERY_EXHAUSTED", lastFailure, "failures", String.valueOf(failures),
        "maxRetries", String.valueOf(maxRetries), "failed", failed,
        "cause", String.valueOf(rootCause(lastFailure)));
  }

  /** Every condition the engine can raise, for the documentation generator and its test. */
  public static Map<String, String> conditionTemplates() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String condition : CollectionConverters.asJava(READER.errorInfoMap().keySet()).stream().sorted().toList()) {
      out.put(condition, READER.getMessageTemplate(condition));
    }
    return out;
  }

  public static String sqlState(String condition) {
    return READER.getSqlState(condition);
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static RealTimeModeException build(String condition, Throwable cause, String... keyValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      params.put(keyValues[i], keyValues[i + 1]);
    }
    Map<String, Object> asObjects = new LinkedHashMap<>(params);
    String message = READER.getErrorMessage(condition,
        scala.collection.immutable.Map.from(CollectionConverters.asScala(asObjects)));
    String sqlState = READER.getSqlState(condition);
    return new RealTimeModeException(condition, sqlState, params,
        "[" + condition + "] " + message + " SQLSTATE: " + sqlState, cause);
  }
}
