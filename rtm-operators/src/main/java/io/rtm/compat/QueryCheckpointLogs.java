package io.rtm.compat;

import java.lang.reflect.Field;
import java.util.Optional;
import org.apache.spark.sql.execution.streaming.checkpointing.OffsetSeqBase;
import org.apache.spark.sql.execution.streaming.runtime.QueryExecutionThread;
import org.apache.spark.sql.execution.streaming.runtime.StreamExecution;

/**
 * The offset and commit logs of the query whose execution thread calls in.
 *
 * <p>Spark 4.2.0: {@code StreamExecution.queryExecutionThread} is an anonymous
 * {@code QueryExecutionThread} subclass, so the query is its synthetic {@code $outer} field. The
 * plan's session is a clone whose {@code streams()} does not list the query, and the logs must be
 * the query's own instances: {@code HDFSMetadataLog} caches the latest entries, so a second
 * instance could not discard an entry the query's instance still holds.
 */
public final class QueryCheckpointLogs {
  private final StreamExecution query;

  private QueryCheckpointLogs(StreamExecution query) {
    this.query = query;
  }

  /** The logs of the query running on this thread; empty off a query thread or on another Spark. */
  public static Optional<QueryCheckpointLogs> ofCurrentThread() {
    Thread t = Thread.currentThread();
    if (!(t instanceof QueryExecutionThread)) {
      return Optional.empty();
    }
    try {
      Field outer = t.getClass().getDeclaredField("$outer");
      outer.setAccessible(true);
      return outer.get(t) instanceof StreamExecution q ? Optional.of(new QueryCheckpointLogs(q)) : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The query's resolved checkpoint location (a URI string). */
  public String checkpointRoot() {
    return query.resolvedCheckpointRoot();
  }

  /** The last epoch in the commit log, -1 before the first. */
  public long lastCommittedEpoch() {
    scala.Option<Object> latest = query.commitLog().getLatestBatchId();
    return latest.isDefined() ? (Long) latest.get() : -1L;
  }

  /**
   * Whether {@code epoch} is in the commit log: one file lookup, then the log's own read (cached for
   * recent epochs); {@link #lastCommittedEpoch} lists and stats the whole log directory. The lookup
   * comes first because the reporter mostly asks for the epoch that has not committed yet, and
   * Spark 4.2.0's {@code HDFSMetadataLog.get} answers that by building and catching a
   * {@code batchMetadataFileNotFoundError} (its message formatted from the error-class JSON), about
   * 1 % of a 2-core machine at 50 polls a second. {@code fileManager()} and {@code batchIdToPath}
   * are public in Spark 4.2.0.
   */
  public boolean isCommitted(long epoch) {
    if (epoch < 0) {
      return false;
    }
    var log = query.commitLog();
    return log.fileManager().exists(log.batchIdToPath(epoch)) && readEvictionSafe(() -> log.get(epoch)).isDefined();
  }

  /**
   * {@code read} (an {@code HDFSMetadataLog.get}), again if it failed Spark's cache assertion. Spark
   * 4.2.0's {@code HDFSMetadataLog.get} checks {@code batchCache.containsKey(id)} and then asserts
   * {@code batchCache.get(id) != null}; the cache holds the latest 2 entries, so the query thread's
   * {@code add} of a new epoch can evict {@code id} in between. Called off the query thread (the
   * epoch progress reporter polls the commit and offset logs while epochs commit), that race
   * happened in a benchmark run and killed the reporter, freezing the query's progress. An evicted
   * entry is no longer cached: the next read takes it from its file.
   */
  static <T> T readEvictionSafe(java.util.function.Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (AssertionError evictedMeanwhile) {
        if (attempt == 3) {
          throw evictedMeanwhile;
        }
      }
    }
  }

  /** The first source's offsets recorded for {@code epoch} as JSON, "" when the log has none. */
  public String firstSourceOffsetsAt(long epoch) {
    if (epoch < 0) {
      return "";
    }
    scala.Option<OffsetSeqBase> entry = readEvictionSafe(() -> query.offsetLog().get(epoch));
    if (entry.isEmpty() || entry.get().offsets().isEmpty() || entry.get().offsets().head().isEmpty()) {
      return "";
    }
    return entry.get().offsets().head().get().json();
  }

  /**
   * Publishes one progress report as the query's own: kept in {@code recentProgress}/{@code
   * lastProgress} and posted to {@code StreamingQueryListener}s. Spark 4.2.0's ContinuousExecution
   * never reports progress itself; {@code ProgressReporter.updateProgress} is what micro-batch calls.
   */
  public void reportProgress(org.apache.spark.sql.streaming.StreamingQueryProgress progress) {
    query.progressReporter().updateProgress(progress);
  }

  /** The query's id, run id and name, for its progress reports. */
  public java.util.UUID queryId() {
    return query.id();
  }

  public java.util.UUID runId() {
    return query.runId();
  }

  public String name() {
    return query.name();
  }

  /** The query's source and sink, as Spark describes them in progress reports. */
  public String sourceDescription() {
    return query.sources().isEmpty() ? "" : query.sources().head().toString();
  }

  public String sinkDescription() {
    return String.valueOf(query.sink());
  }

  /** Spark's timestamp format of progress reports. */
  public String formatTimestamp(long epochMillis) {
    return query.progressReporter().formatTimestamp(epochMillis);
  }

  /** The source offsets of the last committed epoch as JSON, "" before the first commit. */
  public String lastCommittedOffsets() {
    long epoch = lastCommittedEpoch();
    if (epoch < 0) {
      return "";
    }
    scala.Option<OffsetSeqBase> entry = readEvictionSafe(() -> query.offsetLog().get(epoch));
    if (entry.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (scala.Option<org.apache.spark.sql.connector.read.streaming.Offset> offset
        : scala.jdk.javaapi.CollectionConverters.asJava(entry.get().offsets())) {
      out.append(offset.isDefined() ? offset.get().json() : "-").append('\n');
    }
    return out.toString();
  }

  /**
   * Drops offset-log entries after {@code epoch}. Epochs that every source task reported but that
   * never committed keep their entries; {@code HDFSMetadataLog.add} never overwrites, so a
   * restarted run would commit its replay of such an epoch with the failed run's end offsets,
   * which are not where the replay ended.
   */
  public void discardOffsetsAfter(long epoch) {
    query.offsetLog().purgeAfter(epoch);
  }

  /** Whether the offset log holds {@code epoch}'s end offsets (every source task reported them). */
  public boolean hasOffsets(long epoch) {
    return query.offsetLog().get(epoch).isDefined();
  }

  /**
   * Writes {@code epoch} to the commit log, as {@code ContinuousExecution.commit} does after the
   * sink's commit ({@code CommitMetadata()}, Spark 4.2.0): for an epoch the sink already made
   * durable when the driver died before writing this entry.
   */
  public void markCommitted(long epoch) {
    query.commitLog().add(epoch,
        new org.apache.spark.sql.execution.streaming.checkpointing.CommitMetadata(0L));
  }
}
