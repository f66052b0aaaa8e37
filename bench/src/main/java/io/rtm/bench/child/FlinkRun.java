package io.rtm.bench.child;

import io.rtm.bench.flink.CheckpointTimes;
import io.rtm.bench.flink.FlinkJobs;
import io.rtm.bench.flink.FlinkSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A workload as a Flink DataStream job on a local mini cluster (job manager and task manager in
 * this JVM, like Spark's local-mode driver and executor), configured by {@link FlinkSettings}.
 * Runs only on the Flink classpath: nothing here may touch Spark.
 */
final class FlinkRun implements ModeRun {
  private final ChildArgs args;
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private StreamExecutionEnvironment env;
  private JobClient job;
  private volatile boolean stopping;

  FlinkRun(ChildArgs args) {
    this.args = args;
  }

  @Override
  public void start() throws Exception {
    Configuration conf = Configuration.fromMap(FlinkSettings.of(args.mode(), args.checkpoint()));
    env = StreamExecutionEnvironment.createLocalEnvironment(FlinkSettings.PARALLELISM, conf);
    FlinkJobs.build(env, args.workload(), args.bootstrap(), args.inTopic(), args.outTopic(), args.rate(),
        args.outTopic());
    job = env.executeAsync("rtm-bench-" + args.workload().id() + "-" + args.mode().id());
    job.getJobExecutionResult().whenComplete((result, error) -> {
      if (!stopping) {
        failure.complete(error != null ? error : new IllegalStateException("the Flink job finished on its own"));
      }
    });
  }

  @Override
  public CompletableFuture<Throwable> failure() {
    return failure;
  }

  @Override
  public List<CommitLogWatcher.Commit> commits() {
    return CheckpointTimes.completed().stream().map(c -> new CommitLogWatcher.Commit(c[0], c[1])).toList();
  }

  @Override
  public String errorLabel(Throwable t) {
    return PlainErrorLabel.of(t);
  }

  @Override
  public String errorMessage(Throwable t) {
    return PlainErrorLabel.message(t);
  }

  @Override
  public void stop() {
    stopping = true;
    try {
      if (job != null) {
        job.cancel().get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      // The measurement is over; a slow or failed cancel only matters to this log.
      e.printStackTrace();
    } finally {
      try {
        if (env != null) {
          env.close();
        }
      } catch (Exception e) {
        e.printStackTrace();
      }
    }
  }
}
