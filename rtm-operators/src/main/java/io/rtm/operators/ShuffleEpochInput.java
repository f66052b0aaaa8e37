package io.rtm.operators;

import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.eventtime.WatermarkTick;
import io.rtm.operators.metrics.TaskEpochMetrics;
import io.rtm.shuffle.GateResult;
import io.rtm.shuffle.InputGate;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

/**
 * The input of a downstream stage: rows from every upstream producer, through the pipelined
 * shuffle. An epoch ends when the barrier of that epoch has arrived on every channel.
 *
 * <p>The row handed out points into the gate's receive buffer and is reused; it is valid until the
 * next call to {@code hasNext}, the same contract Spark's shuffle readers give. Every record ends
 * with the 8-byte origin time {@link ShuffleEpochOutput} appended; it becomes the task's current
 * origin ({@link TaskEpochMetrics}) and is not part of the row.
 */
public final class ShuffleEpochInput implements EpochInput {
  private static final VarHandle ORIGIN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final InputGate gate;
  private final UnsafeRow row;
  private final TaskEventTime eventTime;
  private final boolean watermarkTicks;
  private final TaskEpochMetrics metrics;
  private long lastEndedEpoch;

  /**
   * @param eventTime the task's event-time view, which in-band watermarks update
   * @param watermarkTicks hand {@link WatermarkTick#ROW} to the operator above when the watermark
   *     rises without a record (only when that operator understands it)
   */
  public ShuffleEpochInput(InputGate gate, int numFields, long startEpoch, TaskEventTime eventTime,
      boolean watermarkTicks, TaskEpochMetrics metrics) {
    this.metrics = metrics;
    this.gate = gate.reportWatermarks();
    this.row = new UnsafeRow(numFields);
    this.eventTime = eventTime;
    this.watermarkTicks = watermarkTicks;
    this.lastEndedEpoch = startEpoch - 1;
  }

  @Override
  public Iterator<InternalRow> nextEpoch() {
    return new Iterator<>() {
      private boolean pending;
      private boolean pendingTick;
      private boolean ended;

      @Override
      public boolean hasNext() {
        if (pending || pendingTick) {
          return true;
        }
        if (ended) {
          return false;
        }
        GateResult result;
        try {
          result = gate.next();
          while (result == GateResult.WATERMARK) {
            eventTime.inputWatermark(gate.currentWatermarkMs());
            if (watermarkTicks) {
              pendingTick = true;
              return true;
            }
            result = gate.next();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TaskStoppedException(e);
        }
        if (result == GateResult.EPOCH_END) {
          lastEndedEpoch = gate.lastAlignedEpoch();
          ended = true;
          return false;
        }
        if (result == GateResult.END_OF_INPUT) {
          // Producers end only when the query stops or fails; the driver decides which.
          throw new UpstreamEndedException("every upstream producer of this real-time stage ended");
        }
        int rowLength = gate.recordLength() - 8;
        metrics.origin((long) ORIGIN.get(gate.recordArray(), gate.recordOffset() + rowLength));
        row.pointTo(gate.recordArray(), Platform.BYTE_ARRAY_OFFSET + gate.recordOffset(), rowLength);
        pending = true;
        return true;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (pendingTick) {
          pendingTick = false;
          return WatermarkTick.ROW;
        }
        pending = false;
        return row;
      }
    };
  }

  @Override
  public long lastEndedEpoch() {
    return lastEndedEpoch;
  }

  public InputGate gate() {
    return gate;
  }

  @Override
  public void close() {
    gate.close();
  }
}
