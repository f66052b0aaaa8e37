package io.rtm.plugin;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Map;
import io.rtm.plugin.errors.RtmErrors;

/**
 * The semantics of an update-mode aggregation written to a Delta table in real-time mode: a
 * per-epoch upsert by group key ({@link UpsertSinkTable}). After each committed epoch the table holds
 * one row per key with the key's latest value, as a compacted topic keyed by the group would. The
 * keys come from the plan ({@link UpsertKeys#derive}) or the writer option {@value UpsertKeys#OPTION};
 * a query without an aggregation, or whose keys cannot be found, fails at start.
 */
final class DeltaUpserts {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaUpserts.class);

  private DeltaUpserts() {}

  /** An upserting sink for a Delta V2 table (Delta's own write appends only), else {@code sink} itself. */
  static Table upserting(Table sink, Dataset<?> df, Map<String, String> writerOptions, SparkSession session) {
    if (!DeltaPathSinks.isV2Table(sink) || !(sink instanceof SupportsWrite write)) {
      return sink;
    }
    LogicalPlan plan = df.queryExecution().analyzed();
    if (!UpsertKeys.hasAggregation(plan)) {
      throw RtmErrors.deltaUpsertNeedsAggregation(sink.name());
    }
    boolean caseSensitive = session.sessionState().conf().caseSensitiveAnalysis();
    List<String> keys;
    try {
      scala.Option<String> named = writerOptions.get(UpsertKeys.OPTION);
      keys = named.isDefined()
          ? UpsertKeys.named(named.get(), Arrays.stream(df.schema().fields()).map(StructField::name).toList(),
              caseSensitive)
          : UpsertKeys.derive(plan);
    } catch (UpsertKeys.Unknown e) {
      throw RtmErrors.deltaUpsertKeysUnknown(sink.name(), e.getMessage());
    }
    String path = DeltaPathSinks.tablePath(sink);
    LOG.info("Update-mode aggregation into Delta table {} is upserted by ({}) once per epoch", sink.name(),
        String.join(", ", keys));
    return new UpsertSinkTable(write, path, keys, session, PluginSettings.deltaUpsertMaxKeysPerTask(session),
        caseSensitive, () -> DeltaPathSinks.latestSchema(sink));
  }
}
