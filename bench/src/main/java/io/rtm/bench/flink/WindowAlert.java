package io.rtm.bench.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** A window's count as the fraud query's row, when it is above the threshold ({@code filter(events > t)}). */
final class WindowAlert extends ProcessWindowFunction<long[], FlinkOutput, String, TimeWindow> {
  private final long threshold;
  private transient EventJson json;

  WindowAlert(long threshold) {
    this.threshold = threshold;
  }

  @Override
  public void open(OpenContext context) {
    json = new EventJson();
  }

  @Override
  public void process(String account, Context ctx, Iterable<long[]> counts, Collector<FlinkOutput> out) {
    long[] c = counts.iterator().next();
    if (c[0] > threshold) {
      out.collect(new FlinkOutput(account, json.alert(ctx.window().getStart(), account, c[0], c[1]), null));
    }
  }
}
