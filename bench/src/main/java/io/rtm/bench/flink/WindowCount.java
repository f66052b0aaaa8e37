package io.rtm.bench.flink;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Events and newest send time of one account's window: {@code count(1), max(send_ns)}. */
final class WindowCount implements AggregateFunction<FlinkEvent, long[], long[]> {
  @Override
  public long[] createAccumulator() {
    return new long[] {0, Long.MIN_VALUE};
  }

  @Override
  public long[] add(FlinkEvent e, long[] acc) {
    return new long[] {acc[0] + 1, Math.max(acc[1], e.sendNs)};
  }

  @Override
  public long[] getResult(long[] acc) {
    return acc;
  }

  @Override
  public long[] merge(long[] a, long[] b) {
    return new long[] {a[0] + b[0], Math.max(a[1], b[1])};
  }
}
