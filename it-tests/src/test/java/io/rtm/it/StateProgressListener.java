package io.rtm.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/** The state operator progress of one query, every epoch (recentProgress keeps only the last hundred). */
final class StateProgressListener extends StreamingQueryListener {
  private final List<StateOperatorProgress> state = Collections.synchronizedList(new ArrayList<>());
  volatile UUID queryId;

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    if (event.progress().id().equals(queryId)) {
      state.addAll(List.of(event.progress().stateOperators()));
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  long sum(ToLongFunction<StateOperatorProgress> f) {
    synchronized (state) {
      return state.stream().mapToLong(f).sum();
    }
  }

  long max(ToLongFunction<StateOperatorProgress> f) {
    synchronized (state) {
      return state.stream().mapToLong(f).max().orElse(0);
    }
  }

  /** Operator names reported so far. */
  List<String> names() {
    synchronized (state) {
      return state.stream().map(StateOperatorProgress::operatorName).distinct().toList();
    }
  }
}
