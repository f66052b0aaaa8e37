package io.rtm.shuffle;

/** What {@link InputGate#next()} found. */
public enum GateResult {
  /** A record is available through {@link InputGate#recordArray()} and friends. */
  RECORD,
  /** Every live channel delivered the barrier of {@link InputGate#lastAlignedEpoch()}. */
  EPOCH_END,
  /**
   * A producer's {@link WatermarkAdvance} raised {@link InputGate#currentWatermarkMs()}; returned only
   * by gates that report watermarks, so that event-time operators can act on a watermark that
   * arrives without records.
   */
  WATERMARK,
  /**
   * Every producer closed its partition and all of their data was returned; further calls keep
   * returning this value.
   */
  END_OF_INPUT
}
