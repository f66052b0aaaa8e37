package io.rtm.shuffle;

import java.util.Objects;

/**
 * Identifies the output of one map task of one shuffle stage of one query run. The query run id
 * keeps a restarted query from ever reading a stale partition of a previous run.
 */
public record PartitionId(String queryRunId, int stageId, int mapIndex) implements java.io.Serializable {
  public PartitionId {
    Objects.requireNonNull(queryRunId, "queryRunId");
    if (mapIndex < 0) {
      throw new IllegalArgumentException("mapIndex must be >= 0, got " + mapIndex);
    }
  }
}
