package io.rtm.bench.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * When each checkpoint completed, as Flink's plot counterpart of the plugin's epoch commits: an
 * identity map, chained into the source task, that hears {@code notifyCheckpointComplete}. The
 * first parallel instance to hear of a checkpoint records it. A static map works because the
 * local mini cluster runs the job in this JVM with these classes (a job with no jars of its own
 * loads user classes from the application class path).
 */
public final class CheckpointTimes implements MapFunction<FlinkEvent, FlinkEvent>, CheckpointListener {
  private static final Map<Long, Long> COMPLETED = new ConcurrentSkipListMap<>();

  @Override
  public FlinkEvent map(FlinkEvent value) {
    return value;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    COMPLETED.putIfAbsent(checkpointId, System.currentTimeMillis());
  }

  /** (checkpoint id, epoch ms when the first task heard it completed), in id order. */
  public static List<long[]> completed() {
    List<long[]> out = new ArrayList<>();
    COMPLETED.forEach((id, at) -> out.add(new long[] {id, at}));
    return out;
  }
}
