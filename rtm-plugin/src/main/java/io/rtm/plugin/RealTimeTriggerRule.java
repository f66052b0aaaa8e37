package io.rtm.plugin;

import io.rtm.compat.SessionStreamingQueryManagers;
import io.rtm.plugin.errors.RealTimeModeException;
import io.rtm.plugin.errors.RtmErrors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.catalyst.streaming.WriteToStreamStatement;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.execution.streaming.ContinuousTrigger;
import org.apache.spark.sql.execution.streaming.ProcessingTimeTrigger;
import org.apache.spark.sql.internal.SessionState;
import scala.runtime.AbstractFunction0;

/**
 * The front door, a hint-resolution rule because that batch runs before {@code ResolveWriteToStream}
 * and sees the whole {@code WriteToStreamStatement}.
 *
 * <p>With the switch on, a continuous-trigger query is checked once here (an unsupported query fails
 * inside {@code start()}), then its statement is copied with a processing-time trigger. That trigger
 * field only selects which unsupported-operation check {@code ResolveWriteToStream} runs: the
 * micro-batch check ({@code checkForStreaming}, which knows output modes, watermarks and state)
 * instead of the continuous one, which rejects every shuffle. The engine itself is still chosen by
 * {@code StreamingQueryManager.createQuery} from its own trigger argument, so the query still runs in
 * {@code ContinuousExecution}, where {@link RealTimeModeStrategy} takes over the plan.
 * Checked against Spark 4.2.0 ({@code ResolveWriteToStream.scala}, {@code StreamingQueryManager.scala}).
 */
final class RealTimeTriggerRule extends Rule<LogicalPlan> {
  private final SparkSession session;
  private volatile boolean managerChecked;

  RealTimeTriggerRule(SparkSession session) {
    this.session = session;
  }

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (!managerChecked) {
      installQueryManager();
    }
    if (!(plan instanceof WriteToStreamStatement s)
        || !(s.trigger() instanceof ContinuousTrigger)
        || !PluginSettings.enabled(session)) {
      return plan;
    }
    if (!(s.sink() instanceof SupportsWrite sink)) {
      // Spark would pick MicroBatchExecution for a V1 sink and fail with "Unknown type of trigger".
      throw SinkChecks.unsupportedSink(s.sink());
    }
    if (!DriverServices.isLoaded()) {
      throw RtmErrors.pluginNotLoaded();
    }
    RealTimeModeException schema = SinkChecks.schemaMismatch(sink, s.inputQuery().output(),
        session.sessionState().conf().caseSensitiveAnalysis());
    if (schema != null) {
      throw schema;
    }
    RealTimeModeException unsupported = QuerySupport.check(s.inputQuery(), s.outputMode());
    if (unsupported != null) {
      if (PluginSettings.fallbackToStock(session)) {
        logWarning(() -> "Running on stock continuous processing: " + unsupported.getMessage());
        return plan;
      }
      throw unsupported;
    }
    return new WriteToStreamStatement(
        s.userSpecifiedName(),
        s.userSpecifiedSinkName(),
        s.userSpecifiedCheckpointLocation(),
        s.useTempCheckpointLocation(),
        s.recoverFromCheckpointLocation(),
        s.sink(),
        s.outputMode(),
        s.hadoopConf(),
        ProcessingTimeTrigger.create(0, TimeUnit.MILLISECONDS),
        MultiSourceRewrite.apply(s.inputQuery(), PluginSettings.reconfigurationCheckIntervalMs(session)),
        s.catalogAndIdent(),
        s.catalogTable());
  }

  /**
   * On the session's first analysed plan (a streaming DataFrame is analysed when it is created, so
   * before any query starts), gives the session the manager that maps {@code Trigger.RealTime} onto
   * this engine. Not in the constructor: the analyser may be built while the session state itself is
   * still being built. Inert with the switch off: the manager then starts every query as Spark would.
   */
  private void installQueryManager() {
    managerChecked = true;
    if (!(session instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      return;
    }
    SessionState state = classic.sessionState();
    boolean installed = SessionStreamingQueryManagers.install(state, RealTimeTriggerQueryManager.class,
        new AbstractFunction0<>() {
          @Override
          public org.apache.spark.sql.classic.StreamingQueryManager apply() {
            return new RealTimeTriggerQueryManager(classic, state.conf());
          }
        });
    if (!installed) {
      logWarning(() -> "This session's streaming query manager ran queries before the first plan was "
          + "analysed: Trigger.RealTime queries run on Spark's built-in real-time mode, Trigger.Continuous "
          + "queries on this plugin");
    }
  }
}
