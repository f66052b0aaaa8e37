package io.rtm.operators.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one epoch did: reported by each stage task when its epoch ends, summed on the driver over
 * every task of the run. Travels to the driver plugin as a string (see {@code RegistryWire} for why
 * plugin messages are strings).
 *
 * <p>Source rows are rows the source tasks took from the source; sink rows are rows the sink tasks
 * handed to the sink's writer; latency is measured at that hand-over, from the row's origin (the
 * source's record timestamp, or the time the engine read it). Backpressure is the time producer
 * tasks were blocked on full shuffle queues; backlog figures are taken when the epoch ended.
 */
public final class EpochStats {
  private static final String TAG = "rtm.epochStats";
  private static final String SEP = "\u0001";

  private final String queryRunId;
  private final long epoch;
  private int tasks;
  private long sourceRows;
  private long sinkRows;
  private long rowsIn;
  private long rowsOut;
  private long backpressureNanos;
  private long shuffleQueuedBuffers;
  private long sourceQueuedRows;
  private long watermarkMs = Long.MIN_VALUE;
  private final LatencyHistogram latency;
  private final Map<Long, StateOperatorStats> stateOperators = new TreeMap<>();

  public EpochStats(String queryRunId, long epoch) {
    this(queryRunId, epoch, new LatencyHistogram());
  }

  private EpochStats(String queryRunId, long epoch, LatencyHistogram latency) {
    this.queryRunId = queryRunId;
    this.epoch = epoch;
    this.latency = latency;
  }

  /** One task's figures; {@code latency} is copied. */
  public static EpochStats ofTask(String queryRunId, long epoch, boolean source, boolean sink, long rowsIn,
      long rowsOut, LatencyHistogram latency, long backpressureNanos, long shuffleQueuedBuffers,
      long sourceQueuedRows, long watermarkMs, Collection<StateOperatorStats> state) {
    EpochStats s = new EpochStats(queryRunId, epoch, latency.copy());
    s.tasks = 1;
    s.rowsIn = rowsIn;
    s.rowsOut = rowsOut;
    s.sourceRows = source ? rowsIn : 0;
    s.sinkRows = sink ? rowsOut : 0;
    s.backpressureNanos = backpressureNanos;
    s.shuffleQueuedBuffers = shuffleQueuedBuffers;
    s.sourceQueuedRows = sourceQueuedRows;
    s.watermarkMs = watermarkMs;
    for (StateOperatorStats op : state) {
      s.addState(op);
    }
    return s;
  }

  private void addState(StateOperatorStats op) {
    stateOperators.merge(op.operatorId(), op, StateOperatorStats::plus);
  }

  /** Adds another task's (or summary's) figures of the same epoch. */
  public void merge(EpochStats o) {
    if (o.epoch != epoch || !o.queryRunId.equals(queryRunId)) {
      throw new IllegalArgumentException("Merging stats of epoch " + o.epoch + " into epoch " + epoch);
    }
    tasks += o.tasks;
    sourceRows += o.sourceRows;
    sinkRows += o.sinkRows;
    rowsIn += o.rowsIn;
    rowsOut += o.rowsOut;
    backpressureNanos += o.backpressureNanos;
    shuffleQueuedBuffers += o.shuffleQueuedBuffers;
    sourceQueuedRows += o.sourceQueuedRows;
    // The query's watermark is the largest a task saw, as a consumer's is the largest of its producers'.
    watermarkMs = Math.max(watermarkMs, o.watermarkMs);
    latency.merge(o.latency);
    for (StateOperatorStats op : o.stateOperators.values()) {
      addState(op);
    }
  }

  public String queryRunId() {
    return queryRunId;
  }

  public long epoch() {
    return epoch;
  }

  /** Tasks whose figures are in here. */
  public int tasks() {
    return tasks;
  }

  public long sourceRows() {
    return sourceRows;
  }

  public long sinkRows() {
    return sinkRows;
  }

  /** Rows every task read (source and shuffle inputs), watermark ticks excluded. */
  public long rowsIn() {
    return rowsIn;
  }

  /** Rows every task wrote (to a shuffle or the sink). */
  public long rowsOut() {
    return rowsOut;
  }

  public long backpressureNanos() {
    return backpressureNanos;
  }

  public long shuffleQueuedBuffers() {
    return shuffleQueuedBuffers;
  }

  public long sourceQueuedRows() {
    return sourceQueuedRows;
  }

  /** Long.MIN_VALUE when no task has a watermark. */
  public long watermarkMs() {
    return watermarkMs;
  }

  public LatencyHistogram latency() {
    return latency;
  }

  public List<StateOperatorStats> stateOperators() {
    return new ArrayList<>(stateOperators.values());
  }

  public static boolean isWire(Object message) {
    return message instanceof String s && s.startsWith(TAG + SEP);
  }

  public String encode() {
    StringBuilder state = new StringBuilder();
    for (StateOperatorStats op : stateOperators.values()) {
      if (state.length() > 0) {
        state.append(';');
      }
      state.append(op.operatorId()).append(',').append(op.name()).append(',').append(op.rowsTotal()).append(',')
          .append(op.memoryUsedBytes()).append(',').append(op.rowsDroppedByWatermark()).append(',')
          .append(op.instances()).append(',').append(op.rowsUpdated()).append(',').append(op.rowsRemoved());
    }
    return String.join(SEP, TAG, queryRunId, Long.toString(epoch), Integer.toString(tasks),
        Long.toString(sourceRows), Long.toString(sinkRows), Long.toString(rowsIn), Long.toString(rowsOut),
        Long.toString(backpressureNanos), Long.toString(shuffleQueuedBuffers), Long.toString(sourceQueuedRows),
        Long.toString(watermarkMs), latency.encode(), state.toString());
  }

  public static EpochStats decode(String wire) {
    String[] f = wire.split(SEP, -1);
    if (f.length != 14 || !f[0].equals(TAG)) {
      throw new IllegalArgumentException("Not real-time epoch stats: " + wire.replace(SEP, "|"));
    }
    EpochStats s = new EpochStats(f[1], Long.parseLong(f[2]), LatencyHistogram.decode(f[12]));
    s.tasks = Integer.parseInt(f[3]);
    s.sourceRows = Long.parseLong(f[4]);
    s.sinkRows = Long.parseLong(f[5]);
    s.rowsIn = Long.parseLong(f[6]);
    s.rowsOut = Long.parseLong(f[7]);
    s.backpressureNanos = Long.parseLong(f[8]);
    s.shuffleQueuedBuffers = Long.parseLong(f[9]);
    s.sourceQueuedRows = Long.parseLong(f[10]);
    s.watermarkMs = Long.parseLong(f[11]);
    if (!f[13].isEmpty()) {
      for (String op : f[13].split(";")) {
        String[] o = op.split(",", -1);
        s.addState(new StateOperatorStats(Long.parseLong(o[0]), o[1], Long.parseLong(o[2]), Long.parseLong(o[3]),
            Long.parseLong(o[4]), Integer.parseInt(o[5]), Long.parseLong(o[6]), Long.parseLong(o[7])));
      }
    }
    return s;
  }
}
