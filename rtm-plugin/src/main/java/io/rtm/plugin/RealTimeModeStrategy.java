package io.rtm.plugin;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.execution.streaming.continuous.WriteToContinuousDataSource;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Takes over the root of a continuous query's plan. The query stays a child ({@code planLater}), so
 * {@code IncrementalExecution} still prepares it in full (state info, {@code EnsureRequirements},
 * code generation) and {@link RealTimeWriteExec} receives Spark's finished physical plan to split
 * into stages. Injected strategies come before {@code DataSourceV2Strategy}, which would otherwise
 * plan {@code WriteToContinuousDataSourceExec} (Spark 4.2.0).
 */
final class RealTimeModeStrategy extends SparkStrategy {
  private final SparkSession session;

  RealTimeModeStrategy(SparkSession session) {
    this.session = session;
  }

  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof WriteToContinuousDataSource w
        && PluginSettings.enabled(session)
        && DriverServices.isLoaded()
        && !(PluginSettings.fallbackToStock(session) && QuerySupport.check(w.query(), org.apache.spark.sql.streaming.OutputMode.Update()) != null)) {
      SparkPlan root = new RealTimeWriteExec(w.write(), planLater(w.query()));
      return CollectionConverters.asScala(java.util.List.of(root)).toList();
    }
    return CollectionConverters.asScala(java.util.List.<SparkPlan>of()).toList();
  }
}
