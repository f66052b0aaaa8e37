package io.rtm.bench.child;

import io.rtm.bench.query.Pipelines;
import io.rtm.bench.query.SparkSessions;
import io.rtm.bench.query.Triggers;
import io.rtm.bench.spec.Mode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;

/** A workload as a Spark streaming query, Kafka to Kafka, in this JVM's local-mode driver. */
final class SparkRun implements ModeRun {
  private final ChildArgs args;
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private SparkSession spark;
  private StreamingQuery query;
  private CommitLogWatcher commits;

  SparkRun(ChildArgs args) {
    this.args = args;
  }

  @Override
  public void start() throws TimeoutException {
    Mode mode = args.mode();
    spark = SparkSessions.create("rtm-bench-" + mode.id(), mode);
    Path checkpoint = args.checkpoint();
    commits = CommitLogWatcher.watch(checkpoint);
    Dataset<Row> df =
        Pipelines.build(spark, args.workload(), args.bootstrap(), args.inTopic(), args.rate());
    DataStreamWriter<Row> writer = df.writeStream().format("kafka")
        .option("kafka.bootstrap.servers", args.bootstrap())
        .option("kafka.linger.ms", "0")
        .option("topic", args.outTopic())
        .option("checkpointLocation", checkpoint.toString())
        .outputMode(Triggers.outputMode(mode, args.workload()));
    Triggers.of(mode).ifPresent(writer::trigger);
    query = writer.start();
    Thread watcher = new Thread(this::awaitTermination, "query-termination-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  @Override
  public CompletableFuture<Throwable> failure() {
    return failure;
  }

  @Override
  public List<CommitLogWatcher.Commit> commits() {
    return commits == null ? List.of() : commits.commits();
  }

  /**
   * The state of the last progress: rows and memory summed over the stateful operators. The
   * plugin fills {@code stateOperators} per epoch, stock micro-batch per batch; a stateless query
   * has none, and then nothing is reported.
   */
  @Override
  public java.util.Map<String, Object> finalMetrics() {
    StreamingQueryProgress progress = query == null ? null : query.lastProgress();
    if (progress == null || progress.stateOperators() == null || progress.stateOperators().length == 0) {
      return java.util.Map.of();
    }
    long rows = 0;
    long memory = 0;
    for (StateOperatorProgress op : progress.stateOperators()) {
      rows += op.numRowsTotal();
      memory += op.memoryUsedBytes();
    }
    return java.util.Map.of("state_rows", rows, "state_memory_bytes", memory);
  }

  @Override
  public void stop() {
    try {
      if (query != null && query.isActive()) {
        query.stop();
      }
    } catch (Exception e) {
      // The measurement is over; a slow or failed stop only matters to this log.
      e.printStackTrace();
    } finally {
      if (commits != null) {
        commits.close();
      }
      if (spark != null) {
        spark.stop();
      }
    }
  }

  private void awaitTermination() {
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      failure.complete(e);
    } catch (RuntimeException e) {
      failure.complete(e);
    }
  }
}
