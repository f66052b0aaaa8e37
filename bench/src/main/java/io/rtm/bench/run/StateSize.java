package io.rtm.bench.run;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The state a stateful query held at the end of its run, summed over its stateful operators, as
 * its last {@code StreamingQueryProgress} reported it ({@code stateOperators[].numRowsTotal} and
 * {@code memoryUsedBytes}; the plugin reports them per epoch, stock micro-batch per batch).
 * {@link #NONE} where the engine reports none (Flink, the relay) or the query is stateless.
 */
public record StateSize(long rows, long memoryBytes) {
  public static final StateSize NONE = new StateSize(-1, -1);

  public boolean known() {
    return rows >= 0;
  }

  /** From a mode JVM's {@code result} event. */
  public static StateSize of(JsonNode result) {
    JsonNode rows = result.path("state_rows");
    return rows.isMissingNode() || rows.isNull() ? NONE
        : new StateSize(rows.asLong(-1), result.path("state_memory_bytes").asLong(-1));
  }
}
