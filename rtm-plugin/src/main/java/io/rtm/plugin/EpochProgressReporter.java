package io.rtm.plugin;

import io.rtm.compat.QueryCheckpointLogs;
import io.rtm.operators.metrics.EpochStats;
import io.rtm.operators.metrics.LatencyHistogram;
import io.rtm.operators.metrics.StateOperatorStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * commit log; for each newly committed epoch it takes the figures the stage tasks sent for it
 * ({@link EpochStatsCollector}: rows in and out, latency histogram, backlog, backpressure, state,
 * watermark), waiting at most {@link #STATS_WAIT_MS} after it saw the commit for tasks whose figures
 * are still on their way,
 * and reports them with the epoch id and its duration (commit to commit). Without every task's
 * figures the input rows are the difference of the source's offsets between this epoch and the one
 * before (Kafka offsets). The same figures go to Spark's metrics system ({@link RealTimeMetrics}).
 * Metric names are documented in docs/tuning.md.
 */
final class EpochProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EpochProgressReporter.class);
  /**
   * How often the commit log is looked at: each look builds Hadoop paths (URI parsing), which at 20 ms
   * was half of this thread's CPU; a progress report 50 ms after its commit is still prompt.
   */
  private static final long POLL_MS = 50;
  /** Figures are sent before the epoch commits, so they are normally there; this bounds a lost one. */
  static final long STATS_WAIT_MS = 500;
  /** Polls between two listings of the commit log, which find epochs purged before they were seen. */
  private static final int POLLS_PER_LISTING = 50;

  private final QueryCheckpointLogs logs;
  private final String runId;
  private final EpochStatsCollector stats;
  private final RealTimeMetrics metrics;
  private final Thread thread;
  private long lastReported;
  private long lastCommitMs;
  private int pollsWithoutCommit;

  private EpochProgressReporter(QueryCheckpointLogs logs, String runId, long startEpoch, EpochStatsCollector stats,
      RealTimeMetrics metrics) {
    this.logs = logs;
    this.runId = runId;
    this.stats = stats;
    this.metrics = metrics;
    this.lastReported = startEpoch - 1;
    this.lastCommitMs = System.currentTimeMillis();
    this.thread = new Thread(this::loop, "rtm-epoch-progress-" + runId);
    thread.setDaemon(true);
  }

  static EpochProgressReporter start(QueryCheckpointLogs logs, String runId, long startEpoch) {
    EpochProgressReporter r = new EpochProgressReporter(logs, runId, startEpoch, DriverServices.statsOrNull(),
        DriverServices.metricsOrNull());
    r.thread.start();
    return r;
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long committed = lastCommitted();
        // Epochs seen committed in one poll share one deadline: a reporter that fell behind catches up.
        long statsDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATS_WAIT_MS);
        for (long epoch = lastReported + 1; epoch <= committed; epoch++) {
          report(epoch, statsDeadline);
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

  /**
   * The last committed epoch, found by asking for the next ones in turn: a driver thread listing
   * the commit log every poll cost a few percent of a 2-core machine's CPU.
   */
  private long lastCommitted() {
    long epoch = lastReported;
    while (logs.isCommitted(epoch + 1)) {
      epoch++;
    }
    if (epoch > lastReported) {
      pollsWithoutCommit = 0;
      return epoch;
    }
    // Spark purges old log entries; a reporter that fell that far behind finds the next one by listing.
    return ++pollsWithoutCommit % POLLS_PER_LISTING == 0 ? logs.lastCommittedEpoch() : lastReported;
  }

  /** The figures of one epoch, in the form progress reports and the metrics system both use. */
  record EpochFigures(long epoch, long inputRows, long outputRows, int tasksReported, int tasksExpected,
      long latencySamples, long latencyP50Micros, long latencyP99Micros, long latencyMaxMicros,
      long backpressureNanos, long shuffleQueuedBuffers, long sourceQueuedRows, long watermarkMs,
      List<StateOperatorStats> state) {

    /**
     * @param stats the tasks' sums, null when none arrived
     * @param offsetRecords the records between this epoch's source offsets and the previous one's
     */
    static EpochFigures of(long epoch, EpochStats stats, int tasksExpected, long offsetRecords) {
      if (stats == null) {
        return new EpochFigures(epoch, offsetRecords, -1, 0, tasksExpected, 0, 0, 0, 0, 0, 0, 0, Long.MIN_VALUE,
            List.of());
      }
      boolean complete = tasksExpected > 0 && stats.tasks() >= tasksExpected;
      LatencyHistogram latency = stats.latency();
      return new EpochFigures(epoch, complete ? stats.sourceRows() : offsetRecords,
          complete ? stats.sinkRows() : -1, stats.tasks(), tasksExpected, latency.count(),
          latency.percentileMicros(0.5), latency.percentileMicros(0.99), latency.maxMicros(),
          stats.backpressureNanos(), stats.shuffleQueuedBuffers(), stats.sourceQueuedRows(), stats.watermarkMs(),
          stats.stateOperators());
    }

    long rowsDroppedByWatermark() {
      return state.stream().mapToLong(s -> Math.max(0, s.rowsDroppedByWatermark())).sum();
    }

    long stateRows() {
      return state.stream().mapToLong(s -> Math.max(0, s.rowsTotal())).sum();
    }

    long stateMemoryBytes() {
      return state.stream().mapToLong(s -> Math.max(0, s.memoryUsedBytes())).sum();
    }

    /** Entries of the sink progress's {@code metrics}. */
    Map<String, String> sinkMetrics() {
      Map<String, String> m = new TreeMap<>();
      m.put("rtm.latency.samples", Long.toString(latencySamples));
      if (latencySamples > 0) {
        m.put("rtm.latency.p50Ms", millis(latencyP50Micros));
        m.put("rtm.latency.p99Ms", millis(latencyP99Micros));
        m.put("rtm.latency.maxMs", millis(latencyMaxMicros));
      }
      return m;
    }

    /** Entries of the source progress's {@code metrics}, beside the engine's name, run and epoch. */
    Map<String, String> sourceMetrics() {
      Map<String, String> m = new TreeMap<>();
      m.put("rtm.tasks.reported", Integer.toString(tasksReported));
      m.put("rtm.tasks.expected", Integer.toString(tasksExpected));
      m.put("rtm.shuffle.backpressureMs", millis(backpressureNanos / 1000));
      m.put("rtm.shuffle.queuedBuffers", Long.toString(shuffleQueuedBuffers));
      m.put("rtm.source.queuedRows", Long.toString(sourceQueuedRows));
      return m;
    }

    /**
     * Microseconds as milliseconds with three decimals. Not String.format: at ten epochs a second
     * its formatter set-up was a third of this thread's CPU in a profile.
     */
    static String millis(long micros) {
      return java.math.BigDecimal.valueOf(micros, 3).toPlainString();
    }
  }

  private EpochStats awaitStats(long epoch, long deadline) throws InterruptedException {
    if (stats == null) {
      return null;
    }
    int expected = stats.expectedTasks(runId);
    while (expected > 0 && stats.tasksReported(runId, epoch) < expected && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    return stats.take(runId, epoch);
  }

  private void report(long epoch, long statsDeadline) throws InterruptedException {
    long now = System.currentTimeMillis();
    long durationMs = Math.max(0, now - lastCommitMs);
    lastCommitMs = now;
    String start = logs.firstSourceOffsetsAt(epoch - 1);
    String end = logs.firstSourceOffsetsAt(epoch);
    EpochFigures figures = EpochFigures.of(epoch, awaitStats(epoch, statsDeadline),
        stats == null ? 0 : stats.expectedTasks(runId), recordsBetween(start, end));
    long records = figures.inputRows();
    double seconds = Math.max(1, durationMs) / 1000.0;
    Map<String, String> sourceMetrics = new HashMap<>(figures.sourceMetrics());
    sourceMetrics.put("rtm.engine", "real-time");
    sourceMetrics.put("rtm.run", runId);
    sourceMetrics.put("rtm.epoch", Long.toString(epoch));
    SourceProgress source = new SourceProgress(logs.sourceDescription(), start.isEmpty() ? null : start, end,
        end, records, records / seconds, records / seconds, sourceMetrics);
    Map<String, Long> durations = new HashMap<>();
    durations.put("epoch", durationMs);
    durations.put("triggerExecution", durationMs);
    Map<String, String> eventTime = new HashMap<>();
    if (figures.watermarkMs() != Long.MIN_VALUE) {
      eventTime.put("watermark", logs.formatTimestamp(figures.watermarkMs()));
    }
    StreamingQueryProgress progress = new StreamingQueryProgress(logs.queryId(), logs.runId(), logs.name(),
        logs.formatTimestamp(now - durationMs), epoch, durationMs, durations, eventTime,
        stateOperators(figures), new SourceProgress[] {source},
        new SinkProgress(logs.sinkDescription(), figures.outputRows(), new HashMap<>(figures.sinkMetrics())),
        new HashMap<String, Row>());
    logs.reportProgress(progress);
    if (metrics != null) {
      metrics.epochReported(figures);
    }
  }

  private static StateOperatorProgress[] stateOperators(EpochFigures figures) {
    return figures.state().stream().map(s -> new StateOperatorProgress(s.name(), s.rowsTotal(), s.rowsUpdated(), 0L,
        s.rowsRemoved(), 0L, 0L,
        s.memoryUsedBytes(), s.rowsDroppedByWatermark(), s.instances(), s.instances(), new HashMap<>()))
        .toArray(StateOperatorProgress[]::new);
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
    if (stats != null) {
      stats.forget(runId);
    }
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
