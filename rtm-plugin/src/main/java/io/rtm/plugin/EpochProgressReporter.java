package io.rtm.plugin;

import io.rtm.compat.QueryCheckpointLogs;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link StreamingQueryProgress} per committed epoch, reported as the query's own (so {@code
 * lastProgress}, {@code recentProgress} and {@code StreamingQueryListener.onQueryProgress} see real-time
 * queries, which Spark 4.2.0's ContinuousExecution never reports on). A driver thread watches the
 * commit log; for each newly committed epoch it reports the epoch id, its duration (commit to commit)
 * and the records it read: the difference of the source's offsets between this epoch and the one
 * before (Kafka offsets, so exact). The run's engine figures go in the source's {@code metrics}.
 */
final class EpochProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EpochProgressReporter.class);
  private static final long POLL_MS = 20;

  private final QueryCheckpointLogs logs;
  private final String runId;
  private final Thread thread;
  private long lastReported;
  private long lastCommitMs;

  private EpochProgressReporter(QueryCheckpointLogs logs, String runId, long startEpoch) {
    this.logs = logs;
    this.runId = runId;
    this.lastReported = startEpoch - 1;
    this.lastCommitMs = System.currentTimeMillis();
    this.thread = new Thread(this::loop, "rtm-epoch-progress-" + runId);
    thread.setDaemon(true);
  }

  static EpochProgressReporter start(QueryCheckpointLogs logs, String runId, long startEpoch) {
    EpochProgressReporter r = new EpochProgressReporter(logs, runId, startEpoch);
    r.thread.start();
    return r;
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long committed = logs.lastCommittedEpoch();
        for (long epoch = lastReported + 1; epoch <= committed; epoch++) {
          report(epoch);
          lastReported = epoch;
        }
        Thread.sleep(POLL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Progress is advisory: a failed report must not touch the query.
      LOG.warn("Real-time run {}: epoch progress reports stopped", runId, e);
    }
  }

  private void report(long epoch) {
    long now = System.currentTimeMillis();
    long durationMs = Math.max(0, now - lastCommitMs);
    lastCommitMs = now;
    String start = logs.firstSourceOffsetsAt(epoch - 1);
    String end = logs.firstSourceOffsetsAt(epoch);
    long records = recordsBetween(start, end);
    double seconds = Math.max(1, durationMs) / 1000.0;
    Map<String, String> sourceMetrics = new HashMap<>();
    sourceMetrics.put("rtm.engine", "real-time");
    sourceMetrics.put("rtm.run", runId);
    sourceMetrics.put("rtm.epoch", Long.toString(epoch));
    SourceProgress source = new SourceProgress(logs.sourceDescription(), start.isEmpty() ? null : start, end,
        end, records, records / seconds, records / seconds, sourceMetrics);
    Map<String, Long> durations = new HashMap<>();
    durations.put("epoch", durationMs);
    durations.put("triggerExecution", durationMs);
    StreamingQueryProgress progress = new StreamingQueryProgress(logs.queryId(), logs.runId(), logs.name(),
        logs.formatTimestamp(now - durationMs), epoch, durationMs, durations, new HashMap<>(),
        new StateOperatorProgress[0], new SourceProgress[] {source},
        new SinkProgress(logs.sinkDescription(), -1L, new HashMap<>()), new HashMap<String, Row>());
    logs.reportProgress(progress);
  }

  private static final Pattern TOPIC = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*\\{([^}]*)}");
  private static final Pattern PARTITION = Pattern.compile("\"(\\d+)\"\\s*:\\s*(-?\\d+)");

  /**
   * Records between two Kafka offset JSONs ({@code {"topic":{"0":12,"1":40}}}): the sum over
   * partitions of end minus start; a partition absent at the start counts from 0. 0 when either side
   * is not Kafka's format.
   */
  static long recordsBetween(String start, String end) {
    Map<String, Long> from = partitions(start);
    long total = 0;
    for (Map.Entry<String, Long> e : partitions(end).entrySet()) {
      total += Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), 0L));
    }
    return total;
  }

  private static Map<String, Long> partitions(String json) {
    Map<String, Long> out = new HashMap<>();
    if (json == null) {
      return out;
    }
    Matcher topic = TOPIC.matcher(json);
    while (topic.find()) {
      Matcher p = PARTITION.matcher(topic.group(2));
      while (p.find()) {
        out.put(topic.group(1) + "/" + p.group(1), Long.parseLong(p.group(2)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
