package io.rtm.plugin;

import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.classic.StreamingQuery;
import org.apache.spark.sql.classic.StreamingQueryManager;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.execution.streaming.ContinuousTrigger;
import org.apache.spark.sql.execution.streaming.RealTimeTrigger;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.util.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Map;

/**
 * The session's streaming query manager, so that Spark's own {@code Trigger.RealTime(...)} (Python
 * {@code realTime=}) runs on the plugin's engine when the switch is on.
 *
 * <p>Spark 4.2.0 picks the engine in {@code StreamingQueryManager.createQuery} from the trigger
 * argument alone: a {@code ContinuousTrigger} with a v2 sink gets {@code ContinuousExecution} (where
 * {@link RealTimeModeStrategy} takes over), anything else, {@code RealTimeTrigger} included, gets
 * {@code MicroBatchExecution}. No rule sees that argument, so this subclass swaps the trigger before
 * {@code createQuery}: {@code RealTime(d)} becomes {@code Continuous(d)}, the batch duration becoming
 * the epoch (checkpoint) interval. The rest of the path is the continuous one ({@link
 * RealTimeTriggerRule} checks the query). Switch off, or a sink without v2 writes: untouched, so Spark
 * runs its built-in real-time mode.
 */
final class RealTimeTriggerQueryManager extends StreamingQueryManager {
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeTriggerQueryManager.class);

  private final SparkSession session;

  RealTimeTriggerQueryManager(SparkSession session, SQLConf conf) {
    super(session, conf);
    this.session = session;
  }

  /** The trigger the query runs with: {@code trigger} itself unless the plugin takes it over. */
  static Trigger onPluginEngine(boolean enabled, Trigger trigger, Table sink) {
    if (enabled && trigger instanceof RealTimeTrigger realTime && sink instanceof SupportsWrite) {
      return ContinuousTrigger.apply(realTime.batchDurationMs());
    }
    return trigger;
  }

  @Override
  public StreamingQuery startQuery(Option<String> userSpecifiedName, Option<String> userSpecifiedSinkName,
      Option<String> userSpecifiedCheckpointLocation, Dataset<?> df, Map<String, String> extraOptions,
      Table sink, OutputMode outputMode, boolean useTempCheckpointLocation,
      boolean recoverFromCheckpointLocation, Trigger trigger, Clock triggerClock,
      Option<Tuple2<TableCatalog, Identifier>> catalogAndIdent, Option<CatalogTable> catalogTable)
      throws TimeoutException {
    boolean enabled = PluginSettings.enabled(session);
    if (enabled && (trigger instanceof ContinuousTrigger || trigger instanceof RealTimeTrigger)) {
      // A Delta path sink is V1 (micro-batch only); Delta's V2 table writes the same path per epoch.
      sink = DeltaPathSinks.withStreamingWrite(sink, df, extraOptions, session);
      if (outputMode.equals(OutputMode.Update())) {
        // Delta's V2 write appends only: an update-mode aggregation is upserted by key per epoch.
        sink = DeltaUpserts.upserting(sink, df, extraOptions, session);
      }
      // A failed epoch commit (a schema changed by another writer) stops the run instead of hanging it.
      sink = DeltaPathSinks.watched(sink);
    }
    Trigger effective = onPluginEngine(enabled, trigger, sink);
    if (effective != trigger) {
      LOG.info("{} runs on the real-time engine as {}: epochs (checkpoints) every {} ms, tasks kept across "
          + "epochs", trigger, effective, ((RealTimeTrigger) trigger).batchDurationMs());
    }
    return super.startQuery(userSpecifiedName, userSpecifiedSinkName, userSpecifiedCheckpointLocation, df,
        extraOptions, sink, outputMode, useTempCheckpointLocation, recoverFromCheckpointLocation, effective,
        triggerClock, catalogAndIdent, catalogTable);
  }
}
