package io.rtm.bench.flink;

/**
 * One output record: the Kafka key (the account), the JSON value, and the {@code send_us} header
 * to write with it (null for aggregates, whose Spark output carries no headers either).
 */
public class FlinkOutput {
  public String key;
  public String value;
  public byte[] sendUsHeader;

  public FlinkOutput() {}

  public FlinkOutput(String key, String value, byte[] sendUsHeader) {
    this.key = key;
    this.value = value;
    this.sendUsHeader = sendUsHeader;
  }
}
