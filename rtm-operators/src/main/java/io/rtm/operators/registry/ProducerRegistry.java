package io.rtm.operators.registry;

import io.rtm.shuffle.ProducerAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Driver-side table of where each producer task of each running query serves its shuffle output.
 * Entries live as long as the query run; {@link #forget} drops a run when it ends.
 */
public final class ProducerRegistry {
  private record StageKey(String queryRunId, int stageId) {}

  private final Map<StageKey, Map<Integer, ProducerAddress>> stages = new ConcurrentHashMap<>();

  public void register(RegisterProducer msg) {
    stages.computeIfAbsent(new StageKey(msg.queryRunId(), msg.stageId()), k -> new ConcurrentHashMap<>())
        .put(msg.mapIndex(), new ProducerAddress(msg.mapIndex(), msg.host(), msg.port()));
  }

  /** All producers of the stage in map-index order, or null while some have not registered. */
  public List<ProducerAddress> lookup(LookupProducers msg) {
    Map<Integer, ProducerAddress> byMap = stages.get(new StageKey(msg.queryRunId(), msg.stageId()));
    if (byMap == null || byMap.size() < msg.expected()) {
      return null;
    }
    List<ProducerAddress> list = new ArrayList<>(msg.expected());
    for (int i = 0; i < msg.expected(); i++) {
      ProducerAddress a = byMap.get(i);
      if (a == null) {
        return null;
      }
      list.add(a);
    }
    return list;
  }

  public void forget(String queryRunId) {
    stages.keySet().removeIf(k -> k.queryRunId().equals(queryRunId));
  }
}
