package io.rtm.plugin;

import io.rtm.compat.SchedulerSlots;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Function1;

/**
 * The epoch commit of a Delta upsert sink: one {@code MERGE INTO} per epoch that updated a key
 * (update when the key is in the table, insert when not), made idempotent by Delta's transaction
 * identifiers (application id = query id, version = epoch). It runs where Spark's epoch coordinator
 * commits the epoch, after every sink task passed the barrier and before the epoch goes to the
 * query's commit log: a crash in between replays the epoch, and Delta skips the replayed MERGE.
 *
 * <p>Checked against delta-spark 4.4.0: {@code MergeIntoCommand} skips the command when the session
 * confs {@code spark.databricks.delta.write.txnAppId/txnVersion} name a version the table already
 * has for that application ({@code DeltaCommand.hasBeenExecuted}), and commits the {@code txn} action
 * with its data ({@code createSetTransaction} in {@code commitAndRecordStats}). The MERGE runs in a
 * session of its own, so those confs never reach the user's session, with Delta's V1 connector
 * ({@code spark.databricks.delta.v2.enableMode=NONE}): Delta's V2 table cannot MERGE.
 *
 * <p>The MERGE is a Spark batch job: it needs free task slots beside the real-time tasks, which hold
 * theirs for the query's life. With none free it would wait forever inside the epoch coordinator, so
 * the commit fails instead (the run restarts from the last committed epoch).
 */
final class UpsertStreamingWrite implements StreamingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(UpsertStreamingWrite.class);
  static final String TXN_APP_ID = "spark.databricks.delta.write.txnAppId";
  static final String TXN_VERSION = "spark.databricks.delta.write.txnVersion";

  private final String table;
  private final String path;
  private final StructType schema;
  private final List<String> keys;
  private final int[] keyOrdinals;
  private final String appId;
  private final SparkSession mergeSession;
  private final int maxKeys;

  UpsertStreamingWrite(String table, String path, StructType schema, List<String> keys, int[] keyOrdinals,
      String appId, SparkSession session, int maxKeys) {
    this.table = table;
    this.path = path;
    this.schema = schema;
    this.keys = List.copyOf(keys);
    this.keyOrdinals = keyOrdinals.clone();
    this.appId = appId;
    this.maxKeys = maxKeys;
    this.mergeSession = session.newSession();
    mergeSession.conf().set("spark.databricks.delta.v2.enableMode", "NONE");
    // The source is a local relation of fixed rows, deterministic by construction: Delta's copy of
    // it (a guard against sources that change while the MERGE reads them twice) is a job for nothing.
    mergeSession.conf().set("spark.databricks.delta.merge.materializeSource", "none");
  }

  /** Task slots a commit of {@code write} needs beside the query's own tasks: one for a MERGE. */
  static int slotsPerCommit(StreamingWrite write) {
    StreamingWrite unwrapped = write instanceof WatchedStreamingWrite watched ? watched.delegate() : write;
    return unwrapped instanceof UpsertStreamingWrite ? 1 : 0;
  }

  @Override
  public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
    return new UpsertWriterFactory(table, schema, keyOrdinals, maxKeys);
  }

  @Override
  public boolean useCommitCoordinator() {
    return false;
  }

  @Override
  public synchronized void commit(long epoch, WriterCommitMessage[] messages) {
    // Each key lives in one aggregation partition, so tasks do not share keys; if a plan ever made
    // them, the later partition's row wins rather than the MERGE failing on two rows for one key.
    UnsafeProjection keyOf = UpsertWriterFactory.keyProjection(schema, keyOrdinals);
    LatestPerKey<UnsafeRow, UnsafeRow> latest = new LatestPerKey<>(Integer.MAX_VALUE);
    for (WriterCommitMessage message : messages) {
      if (message instanceof UpsertWriterFactory.Rows rows) {
        for (UnsafeRow row : rows.rows()) {
          latest.put(keyOf.apply(row).copy(), row);
        }
      }
    }
    if (latest.size() == 0) {
      return;
    }
    int total = SchedulerSlots.total(mergeSession.sparkContext());
    // Tasks of stages still being cancelled (a run that just ended) count as busy too: none is free then.
    int free = Math.max(0, total - SchedulerSlots.busy(mergeSession.sparkContext()));
    if (free < 1) {
      throw RtmErrors.insufficientTaskSlots(1, free, total, "the MERGE of epoch " + epoch + " into " + table);
    }
    long start = System.nanoTime();
    merge(epoch, toRows(latest.values()));
    LOG.info("Epoch {} upserted {} keys into {} in {} ms", epoch, latest.size(), table,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private List<Row> toRows(List<UnsafeRow> rows) {
    Function1<Object, Object> toScala = CatalystTypeConverters.createToScalaConverter(schema);
    List<Row> out = new ArrayList<>(rows.size());
    for (UnsafeRow row : rows) {
      out.add((Row) toScala.apply(row));
    }
    return out;
  }

  private void merge(long epoch, List<Row> rows) {
    String view = "rtm_upsert_" + appId.replace("-", "") + "_" + epoch;
    mergeSession.createDataFrame(rows, schema).createOrReplaceTempView(view);
    mergeSession.conf().set(TXN_APP_ID, appId);
    mergeSession.conf().set(TXN_VERSION, String.valueOf(epoch));
    try {
      mergeSession.sql(mergeStatement(path, view, keys)).collect();
    } finally {
      mergeSession.conf().unset(TXN_APP_ID);
      mergeSession.conf().unset(TXN_VERSION);
      mergeSession.catalog().dropTempView(view);
    }
  }

  /** Null-safe key equality: a null key is a group of its own, as in the aggregation. */
  static String mergeStatement(String path, String source, List<String> keys) {
    String on = keys.stream().map(k -> "t." + quote(k) + " <=> s." + quote(k)).collect(Collectors.joining(" AND "));
    return "MERGE INTO delta.`" + path.replace("`", "``") + "` AS t USING " + source + " AS s ON " + on
        + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *";
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  @Override
  public void abort(long epoch, WriterCommitMessage[] messages) {
    // Nothing of an epoch reaches the table before its MERGE.
  }
}
