package io.rtm.bench.flink;

import io.rtm.bench.spec.Workload;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The stream-static join: each parallel instance builds the 10,000-row account table in {@code
 * open()} (the rows of the Spark workload's {@code accounts()}), as Spark builds the broadcast
 * hash relation every task probes. An inner join: an event whose account is not in the table is
 * dropped. The DataStream API has no stream-static join; this is how its users write one.
 */
final class AccountJoin extends RichFlatMapFunction<FlinkEvent, FlinkOutput> {
  private record Account(long tier, String region) {}

  private transient Map<String, Account> accounts;
  private transient EventJson json;

  @Override
  public void open(OpenContext context) {
    accounts = new HashMap<>();
    for (int id = 0; id < Workload.DIMENSION_ROWS; id++) {
      accounts.put("acct-" + id, new Account(id % 5, "region-" + id % 16));
    }
    json = new EventJson();
  }

  @Override
  public void flatMap(FlinkEvent e, Collector<FlinkOutput> out) {
    Account a = accounts.get(e.accountId);
    if (a != null) {
      out.collect(new FlinkOutput(e.accountId, json.joined(e, a.tier(), a.region()), e.sendUsHeader));
    }
  }
}
