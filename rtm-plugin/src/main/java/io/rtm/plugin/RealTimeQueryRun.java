package io.rtm.plugin;

import io.rtm.compat.ContinuousKeys;
import io.rtm.compat.EpochCoordinatorClient;
import io.rtm.compat.SchedulerSlots;
import io.rtm.operators.StageInputSpec;
import io.rtm.operators.StageTaskRDD;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.connector.write.PhysicalWriteInfoImpl;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.execution.SparkPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * One run of a real-time query on the driver: plans the stages, checks that every task can hold a
 * slot, registers the partition counts with the epoch coordinator, submits one job per stage so all
 * stages run at once, and waits. The first stage to fail stops every stage and fails the run with
 * its cause; an interrupt (the query's stop) cancels every stage and returns.
 */
final class RealTimeQueryRun {
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeQueryRun.class);

  private final SparkContext sc;
  private final StreamingWrite write;
  private final SparkPlan query;
  private final PluginSettings.QuerySettings settings;
  private final SQLConf sqlConf;
  private final Configuration hadoopConf;
  private final String runId = UUID.randomUUID().toString();

  RealTimeQueryRun(SparkContext sc, StreamingWrite write, SparkPlan query, SQLConf sqlConf, Configuration hadoopConf) {
    this.sc = sc;
    this.write = write;
    this.query = query;
    this.sqlConf = sqlConf;
    this.hadoopConf = hadoopConf;
    this.settings = PluginSettings.forQuery(sc, sqlConf);
  }

  void run() {
    EpochCoordinatorClient coordinator =
        EpochCoordinatorClient.connect(sc.getLocalProperty(ContinuousKeys.EPOCH_COORDINATOR_ID_KEY));
    SparkPlan rewritten = new StatefulRewrite(sqlConf, hadoopConf)
        .apply(StagePlanner.stripCodegen(query));
    List<PlannedStage> stages = StagePlanner.plan(rewritten,
        n -> write.createStreamingWriterFactory(new PhysicalWriteInfoImpl(n)), settings);
    PlannedStage sink = stages.get(stages.size() - 1);
    PlannedStage source = stages.stream().filter(s -> s.input() instanceof StageInputSpec.Source).findFirst()
        .orElseThrow();
    awaitSlots(stages);
    coordinator.setReaderPartitions(source.numPartitions());
    coordinator.setWriterPartitions(sink.numPartitions());
    LOG.info("Real-time run {} starting {}", runId,
        stages.stream().map(PlannedStage::describe).collect(Collectors.joining("; ")));

    List<JavaFutureAction<Void>> jobs = new ArrayList<>();
    CompletableFuture<Integer> firstEnded = new CompletableFuture<>();
    CompletableFuture<String> firstTaskFailure = new CompletableFuture<>();
    StageFailureListener failures = new StageFailureListener(runId, firstTaskFailure);
    sc.addSparkListener(failures);
    firstTaskFailure.thenRun(() -> firstEnded.complete(-1));
    sc.setLocalProperty(StageFailureListener.RUN_ID_PROPERTY, runId);
    try {
      // Consumers first: they wait for their producers' addresses, so start order is free, but
      // starting sinks first means no producer ever waits on a consumer that is not scheduled.
      for (int i = stages.size() - 1; i >= 0; i--) {
        PlannedStage stage = stages.get(i);
        StageTaskRDD rdd = new StageTaskRDD(stage.operators().execute(), runId, stage.id(), stage.input(),
            stage.output(), settings.transportConf(),
            StagePlanner.holdsWatermark(stage.operators()) ? settings.watermarkIdleTimeoutMs() : -1,
            ResumableStages.isResumable(stage.operators()));
        sc.setJobDescription("real-time " + stage.describe());
        JavaFutureAction<Void> job = JavaRDD.fromRDD(rdd, ClassTag$.MODULE$.apply(Object.class))
            .foreachPartitionAsync(rows -> { });
        jobs.add(job);
        Thread waiter = new Thread(() -> {
          try {
            job.get();
          } catch (Exception e) {
            // reported through firstEnded below
          }
          firstEnded.complete(stage.id());
        }, "rtm-stage-waiter-" + stage.id());
        waiter.setDaemon(true);
        waiter.start();
      }
      int endedStage = awaitFirst(firstEnded);
      if (endedStage < 0) {
        String[] failure = firstTaskFailure.getNow("|").split("\\|", 2);
        throw RtmErrors.stageFailed(failure[0], runId, new TaskFailure(failure[1]));
      }
      JavaFutureAction<Void> ended = jobs.get(stages.size() - 1 - endedStage);
      try {
        ended.get();
        throw new IllegalStateException("Real-time stage " + endedStage + " ended although the query runs");
      } catch (ExecutionException e) {
        throw RtmErrors.stageFailed("stage " + endedStage, runId, e.getCause());
      } catch (CancellationException e) {
        LOG.info("Real-time run {} stage {} was cancelled", runId, endedStage);
      }
    } catch (InterruptedException e) {
      // The query is stopping: ContinuousExecution interrupts this thread and cancels the job group.
      Thread.currentThread().interrupt();
    } finally {
      for (JavaFutureAction<Void> job : jobs) {
        job.cancel(true);
      }
      sc.removeSparkListener(failures);
      sc.setLocalProperty(StageFailureListener.RUN_ID_PROPERTY, null);
      DriverServices.registry().forget(runId);
    }
  }

  /** A task's failure as the scheduler reported it (its exception lives on the executor). */
  static final class TaskFailure extends RuntimeException {
    TaskFailure(String description) {
      super(description, null, false, false);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  private static int awaitFirst(CompletableFuture<Integer> firstEnded) throws InterruptedException {
    try {
      return firstEnded.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("stage waiter failed", e.getCause()); // waiters never complete exceptionally
    }
  }

  private void awaitSlots(List<PlannedStage> stages) {
    int needed = stages.stream().mapToInt(PlannedStage::numPartitions).sum();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.slotWaitMs());
    while (true) {
      int total = SchedulerSlots.total(sc);
      int free = total - SchedulerSlots.busy(sc);
      if (free >= needed) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw RtmErrors.insufficientTaskSlots(needed, free, total,
            stages.stream().map(PlannedStage::describe).collect(Collectors.joining("; ")));
      }
      try {
        // Executors of a fresh cluster register within seconds; this is the wait for them.
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for task slots", e);
      }
    }
  }
}
