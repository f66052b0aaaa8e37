package io.rtm.operators.source;

import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/** A sub-source reader's position, tagged so the composite can hand it to its own sub-source to merge. */
public record TaggedPartitionOffset(int tag, PartitionOffset inner) implements PartitionOffset {}
