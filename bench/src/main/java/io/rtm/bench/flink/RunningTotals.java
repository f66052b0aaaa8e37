package io.rtm.bench.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The keyed running count: count, sum of amounts and newest send time per account, emitted after
 * every record (Spark's update mode emits a group once per epoch or batch in which it changed).
 */
final class RunningTotals extends KeyedProcessFunction<String, FlinkEvent, FlinkOutput> {
  private transient ValueState<long[]> countAndSendNs;
  private transient ValueState<Double> total;
  private transient EventJson json;

  @Override
  public void open(OpenContext context) {
    countAndSendNs = getRuntimeContext().getState(new ValueStateDescriptor<>("count-send", long[].class));
    total = getRuntimeContext().getState(new ValueStateDescriptor<>("total", Double.class));
    json = new EventJson();
  }

  @Override
  public void processElement(FlinkEvent e, Context ctx, Collector<FlinkOutput> out) throws Exception {
    long[] cs = countAndSendNs.value();
    cs = cs == null ? new long[] {1, e.sendNs} : new long[] {cs[0] + 1, Math.max(cs[1], e.sendNs)};
    Double t = total.value();
    double sum = (t == null ? 0 : t) + e.amount;
    countAndSendNs.update(cs);
    total.update(sum);
    out.collect(new FlinkOutput(e.accountId, json.totals(e.accountId, cs[0], sum, cs[1]), null));
  }
}
