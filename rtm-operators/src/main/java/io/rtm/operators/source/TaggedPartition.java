package io.rtm.operators.source;

import org.apache.spark.sql.connector.read.InputPartition;

/** A sub-source's input partition, tagged with the sub-source it belongs to. */
public record TaggedPartition(int tag, InputPartition inner) implements InputPartition {
  @Override
  public String[] preferredLocations() {
    return inner.preferredLocations();
  }
}
