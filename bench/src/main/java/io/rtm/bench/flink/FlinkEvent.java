package io.rtm.bench.flink;

/**
 * One input event as the Flink jobs carry it: a Flink POJO (public fields, no-argument
 * constructor), so keyBy and window state serialize it with Flink's POJO serializer, not Kryo.
 * {@code sendUsHeader} is the input record's {@code send_us} header, passed through to per-event
 * outputs as the Spark queries pass their headers through.
 */
public class FlinkEvent {
  public long eventId;
  public String accountId;
  public double amount;
  public String merchant;
  /** The event time as the generator wrote it (ISO-8601, UTC). */
  public String ts;
  /** {@link #ts} in epoch milliseconds: the event time the watermark follows. */
  public long tsMillis;
  public long sendNs;
  public byte[] sendUsHeader;

  public FlinkEvent() {}
}
