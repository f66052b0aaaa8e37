package io.rtm.operators;

import io.rtm.operators.eventtime.WatermarkTick;
import io.rtm.operators.metrics.TaskEpochMetrics;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One iterator over a task's input for the task's whole life, which ends (returns false) at every
 * epoch boundary and stays ended until the stage task {@link #advance advances} it to the next epoch.
 *
 * <p>Why: Spark builds a stage's operator chain (generated code, projections) when the top RDD's
 * {@code compute} runs. Calling {@code compute} once per epoch re-built that chain ten times a
 * second per task; for a chain of row-by-row operators that only pull from their input, one chain
 * over this cursor serves every epoch. The "stays ended" rule is what makes that safe: an operator
 * that asks again after the end sees the end again, never the next epoch's rows, so no row can
 * slip into the wrong epoch.
 *
 * <p>Every stage reads through a cursor; stages whose operators are not known to resume
 * (stateful ones) still call {@code compute} per epoch, receiving the same cursor each time.
 * Owned by the task thread.
 */
final class EpochRowsCursor implements EpochInput, Iterator<InternalRow> {
  private final EpochInput input;
  private final TaskEpochMetrics metrics;
  /** The current epoch's rows; null once they ended, until the task advances. */
  private Iterator<InternalRow> epochRows;

  EpochRowsCursor(EpochInput input) {
    this(input, new TaskEpochMetrics());
  }

  /** @param metrics counts every row read (watermark ticks are not rows) */
  EpochRowsCursor(EpochInput input, TaskEpochMetrics metrics) {
    this.input = input;
    this.metrics = metrics;
  }

  /** The input this cursor reads, for its backlog figures. */
  EpochInput input() {
    return input;
  }

  /** Opens the next epoch of the underlying input (the first call opens the first). */
  void advance() throws InterruptedException {
    epochRows = input.nextEpoch();
  }

  /** The cursor itself: the same iterator for every epoch. */
  @Override
  public Iterator<InternalRow> nextEpoch() {
    return this;
  }

  @Override
  public boolean hasNext() {
    if (epochRows == null) {
      return false;
    }
    if (epochRows.hasNext()) {
      return true;
    }
    epochRows = null;
    return false;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the epoch ended");
    }
    InternalRow row = epochRows.next();
    if (!WatermarkTick.is(row)) {
      metrics.rowIn();
    }
    return row;
  }

  @Override
  public long lastEndedEpoch() {
    return input.lastEndedEpoch();
  }

  @Override
  public void close() {
    input.close();
  }
}
