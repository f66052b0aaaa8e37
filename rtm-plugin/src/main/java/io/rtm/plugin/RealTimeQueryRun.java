package io.rtm.plugin;

import io.rtm.compat.ContinuousKeys;
import io.rtm.compat.EpochCoordinatorClient;
import io.rtm.compat.EpochUpdateThreads;
import io.rtm.compat.QueryCheckpointLogs;
import io.rtm.operators.kafka.TransactionalKafkaWriterFactory;
import io.rtm.compat.SchedulerSlots;
import io.rtm.operators.ClassWarmup;
import io.rtm.operators.StageInputSpec;
import io.rtm.operators.StageTaskRDD;
import io.rtm.plugin.errors.RealTimeModeException;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.sql.execution.SparkPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * One run of a real-time query on the driver: plans the stages, checks that every task can hold a
 * slot, registers the partition counts with the epoch coordinator, submits one job per stage so all
 * stages run at once, and waits. The first stage to fail stops every stage; the run then either ends
 * so that {@code ContinuousExecution} starts the next one from the last committed epoch
 * ({@link RecoveryPolicy}) or fails with the cause. An interrupt (the query's stop) cancels every
 * stage and returns.
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

  /**
   * Runs the stages until the query stops (returns), a failure is to be recovered (returns after
   * the policy's backoff: {@code ContinuousExecution} then starts its next run, which reads the
   * start epoch from the commit log and plans the stages again with a new epoch coordinator) or the
   * query fails (throws).
   */
  void run() {
    String queryRun = sc.getLocalProperty(ContinuousKeys.QUERY_ID_KEY) + "/"
        + sc.getLocalProperty(ContinuousKeys.JOB_GROUP_ID_KEY);
    RecoveryPolicy policy = QueryRecoveries.forRun(queryRun, () -> PluginSettings.recoveryPolicy(sqlConf));
    EpochUpdateThreads.quietStoppedCoordinator(sc.getLocalProperty(ContinuousKeys.QUERY_ID_KEY),
        sc.getLocalProperty(ContinuousKeys.JOB_GROUP_ID_KEY));
    long startEpoch = Long.parseLong(sc.getLocalProperty(ContinuousKeys.START_EPOCH_KEY));
    Optional<QueryCheckpointLogs> logs = QueryCheckpointLogs.ofCurrentThread();
    if (logs.isEmpty()) {
      LOG.warn("Real-time run {}: the query's checkpoint logs are out of reach (not Spark 4.2.0?); offsets"
          + " of an epoch that never committed are kept and every failure counts as one without progress", runId);
    }
    if (logs.isPresent() && rolledForward(logs.get(), startEpoch)) {
      // ContinuousExecution starts its next run at once: from the commit log, now past the sink's epochs.
      return;
    }
    logs.ifPresent(l -> l.discardOffsetsAfter(startEpoch - 1));
    String startOffsets = logs.map(QueryCheckpointLogs::lastCommittedOffsets).orElse("");
    Failure failure;
    // One progress report per committed epoch while the stages run (null resources are skipped).
    try (EpochProgressReporter progress =
             logs.map(l -> EpochProgressReporter.start(l, runId, startEpoch)).orElse(null)) {
      failure = runStages();
    } catch (RealTimeModeException e) {
      if (!policy.recovering() || !RESTART_CONDITIONS.contains(e.getCondition())) {
        QueryRecoveries.forget(queryRun);
        throw e;
      }
      // A restart that finds the cluster short of slots (an executor is still coming back) retries.
      failure = new Failure("the restart", e);
    } catch (RuntimeException | Error e) {
      QueryRecoveries.forget(queryRun);
      throw e;
    }
    if (failure == null) {
      QueryRecoveries.forget(queryRun);
      return;
    }
    if (FATAL_CONDITIONS.contains(failure.error().getCondition())) {
      QueryRecoveries.forget(queryRun);
      throw failure.error();
    }
    // Progress is committed input, not committed epochs: empty epochs commit while a restarted run
    // is still on its way to the record that fails it again.
    boolean progressed = logs.map(l -> !l.lastCommittedOffsets().equals(startOffsets)).orElse(false);
    RecoveryPolicy.Decision decision = policy.onFailure(progressed);
    if (!decision.restart()) {
      QueryRecoveries.forget(queryRun);
      if (policy.maxRetries() == 0) {
        throw failure.error();
      }
      throw RtmErrors.recoveryExhausted(decision.failuresInARow(), policy.maxRetries(), failure.failed(),
          failure.error());
    }
    LOG.warn("Real-time run {} failed ({} failure(s) in a row, at most {}); restarting every stage from the"
        + " last committed epoch in {} ms", runId, decision.failuresInARow(), policy.maxRetries(),
        decision.backoffMs(), failure.error());
    try {
      Thread.sleep(decision.backoffMs());
    } catch (InterruptedException e) {
      // Stopped while waiting: ContinuousExecution sees the stop and starts no further run.
      QueryRecoveries.forget(queryRun);
      Thread.currentThread().interrupt();
    }
  }

  /**
   * How long the first failure of a run may wait for the failure it is an echo of (a consumer often
   * reports its producer's lost connection before the scheduler reports the producer's own failure).
   */
  private static final long ECHO_GRACE_MS = 300;

  /** Failures of a restart's start that are worth another restart. */
  private static final java.util.Set<String> RESTART_CONDITIONS = java.util.Set.of("RTM_INSUFFICIENT_TASK_SLOTS");

  /**
   * Failures no restart inside the query can fix: ContinuousExecution keeps the sink's streaming
   * write for the query's life, and Delta's write checks every commit against the table schema it started with.
   */
  private static final java.util.Set<String> FATAL_CONDITIONS = java.util.Set.of("RTM_SINK_SCHEMA_CHANGED");

  /**
   * Completes the commit of epochs the sink made durable but the commit log lacks: the driver died
   * between the sink's commit of an epoch (a Delta commit carrying the epoch as its txn version)
   * and the commit-log entry that follows it. Replaying such an epoch cannot be exactly once: it
   * reads from the epoch's start offsets to wherever its new barrier falls, which the sink, seeing
   * the epoch's txn version again, would skip as a whole (losing what came after the old end), or,
   * when the replay's first epoch ends before reading anything, would append again in the next
   * epoch (duplicating the old one). The offset log holds each such epoch's end offsets (written
   * before its sink commit), so the epochs are marked committed and the run ends before starting
   * any stage; the next run resumes right after them.
   *
   * @return whether epochs were marked committed (the run must end so the next starts after them)
   */
  private boolean rolledForward(QueryCheckpointLogs logs, long startEpoch) {
    if (!(write instanceof WatchedStreamingWrite watched)) {
      return false;
    }
    java.util.OptionalLong inSink = watched.lastEpochInSink();
    if (inSink.isEmpty() || inSink.getAsLong() < startEpoch) {
      return false;
    }
    long last = inSink.getAsLong();
    for (long e = startEpoch; e <= last; e++) {
      if (!logs.hasOffsets(e)) {
        LOG.warn("Real-time run {}: {} holds epoch {} but the offset log has no end offsets for epoch {};"
            + " replaying from epoch {} as usual", runId, watched.table(), last, e, startEpoch);
        return false;
      }
    }
    for (long e = startEpoch; e <= last; e++) {
      logs.markCommitted(e);
    }
    LOG.warn("Real-time run {}: {} already holds epochs {} to {}, which the commit log lacks (the driver stopped"
        + " between the sink's commit and the commit log's); marked them committed with their logged offsets,"
        + " so the next run resumes after epoch {} instead of replaying them", runId, watched.table(), startEpoch,
        last, last);
    return true;
  }

  /** What failed in a run and the error it raised. */
  record Failure(String failed, RealTimeModeException error) {}

  /** @return the failure that ended the run, or null when the query is stopping */
  private Failure runStages() {
    EpochCoordinatorClient coordinator =
        EpochCoordinatorClient.connect(sc.getLocalProperty(ContinuousKeys.EPOCH_COORDINATOR_ID_KEY));
    SparkPlan stripped = StagePlanner.stripCodegen(query);
    if (PluginSettings.stringJsonParsing(sqlConf)) {
      stripped = JsonParsingRewrite.apply(stripped, sqlConf);
    }
    SparkPlan rewritten = new StreamJoinRewrite(sqlConf, hadoopConf).apply(StreamStaticJoinRewrite.apply(
        new StatefulRewrite(sqlConf, hadoopConf).apply(stripped)));
    SameStageChains.check(rewritten);
    List<PlannedStage> stages = StagePlanner.plan(rewritten,
        n -> sinkWriterFactory(write.createStreamingWriterFactory(new PhysicalWriteInfoImpl(n))), settings);
    PlannedStage sink = stages.get(stages.size() - 1);
    // Every source stage's readers, all sources of the query (one composite source for Spark).
    int readers = stages.stream().mapToInt(s -> s.input().sourcePartitions()).sum();
    awaitSlots(stages);
    EpochStatsCollector epochStats = DriverServices.statsOrNull();
    if (epochStats != null) {
      // Every task reports every epoch; the progress reporter waits for this many.
      epochStats.expect(runId, stages.stream().mapToInt(PlannedStage::numPartitions).sum());
    }
    coordinator.setReaderPartitions(readers);
    coordinator.setWriterPartitions(sink.numPartitions());
    LOG.info("Real-time run {} starting {}", runId,
        stages.stream().map(PlannedStage::describe).collect(Collectors.joining("; ")));

    List<JavaFutureAction<Void>> jobs = new ArrayList<>();
    CompletableFuture<Integer> firstEnded = new CompletableFuture<>();
    StageFailureListener failures = new StageFailureListener(runId, () -> firstEnded.complete(-1));
    sc.addSparkListener(failures);
    CompletableFuture<RealTimeModeException> commitFailure = new CompletableFuture<>();
    if (write instanceof WatchedStreamingWrite watched) {
      watched.watch(e -> {
        commitFailure.complete(e);
        firstEnded.complete(COMMIT_FAILED);
      });
    }
    sc.setLocalProperty(StageFailureListener.RUN_ID_PROPERTY, runId);
    try {
      // Consumers first: they wait for their producers' addresses, so start order is free, but
      // starting sinks first means no producer ever waits on a consumer that is not scheduled.
      boolean planWarmup = PluginSettings.planWarmup(sqlConf);
      for (int i = stages.size() - 1; i >= 0; i--) {
        PlannedStage stage = stages.get(i);
        List<String> warmups = planWarmup ? PlanWarmups.classesFor(stage.operators()) : List.of();
        // In local mode the tasks run in this JVM: starting here gains the time until they start.
        ClassWarmup.startOnce(warmups);
        StageTaskRDD rdd = new StageTaskRDD(stage.operators().execute(), runId, stage.id(), stage.input(),
            stage.output(), settings.transportConf(),
            StagePlanner.holdsWatermark(stage.operators()) ? settings.watermarkIdleTimeoutMs() : -1,
            ResumableStages.isResumable(stage.operators()), warmups);
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
      int endedStage = awaitFirst(firstEnded, coordinator);
      if (endedStage == STALLED) {
        String failed = "the epoch clock";
        return new Failure(failed, RtmErrors.epochsStalled(PluginSettings.epochStallTimeoutMs(sqlConf), runId));
      }
      if (endedStage == COMMIT_FAILED) {
        return new Failure("the sink's commit", commitFailure.join());
      }
      if (endedStage < 0) {
        StageFailureListener.FailedTask failed = failures.cause(ECHO_GRACE_MS).orElseThrow();
        return new Failure(failed.where(), RtmErrors.stageFailed(failed.where(), runId, failed.cause()));
      }
      JavaFutureAction<Void> ended = jobs.get(stages.size() - 1 - endedStage);
      try {
        ended.get();
        String failed = "stage " + endedStage;
        return new Failure(failed, RtmErrors.stageFailed(failed, runId,
            new IllegalStateException("Real-time stage " + endedStage + " ended although the query runs")));
      } catch (ExecutionException e) {
        String failed = "stage " + endedStage;
        return new Failure(failed, RtmErrors.stageFailed(failed, runId, e.getCause()));
      } catch (CancellationException e) {
        LOG.info("Real-time run {} stage {} was cancelled", runId, endedStage);
        return null;
      }
    } catch (InterruptedException e) {
      // The query is stopping: ContinuousExecution interrupts this thread and cancels the job group.
      Thread.currentThread().interrupt();
      return null;
    } finally {
      for (JavaFutureAction<Void> job : jobs) {
        job.cancel(true);
      }
      removeUninterruptibly(sc, failures);
      if (write instanceof WatchedStreamingWrite watched) {
        watched.unwatch();
      }
      sc.setLocalProperty(StageFailureListener.RUN_ID_PROPERTY, null);
      DriverServices.registry().forget(runId);
    }
  }

  /**
   * Removes the run's listener with this thread's interrupt flag cleared, then restores it. The
   * query thread is interrupted when the query stops; if the listener was the last of Spark's shared
   * listener queue, Spark 4.2.0 stops that queue ({@code LiveListenerBus.removeListener}) by marking
   * it stopped and then putting a poison pill with the interruptible {@code LinkedBlockingQueue.put}:
   * interrupted, the pill is never queued, and the later {@code SparkContext.stop()} joins the queue's
   * thread forever (a PySpark application hung in {@code spark.stop()} after {@code query.stop()}).
   */
  private static void removeUninterruptibly(SparkContext sc, StageFailureListener listener) {
    boolean interrupted = Thread.interrupted();
    try {
      sc.removeSparkListener(listener);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The sink's writer factory, wrapped for the exactly-once Kafka sink when that is asked for. */
  private StreamingDataWriterFactory sinkWriterFactory(StreamingDataWriterFactory factory) {
    if (!PluginSettings.kafkaExactlyOnce(sqlConf) || !TransactionalKafkaWriterFactory.isKafka(factory)) {
      return factory;
    }
    QueryCheckpointLogs logs = QueryCheckpointLogs.ofCurrentThread().orElseThrow(() ->
        new IllegalStateException("spark.rtm.kafka.exactlyOnce needs the query's checkpoint, out of reach here"));
    return new TransactionalKafkaWriterFactory(factory, sc.getLocalProperty(ContinuousKeys.QUERY_ID_KEY),
        logs.checkpointRoot(), new SerializableConfiguration(hadoopConf));
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

  /** {@link #awaitFirst}'s answer when no epoch started for {@code spark.rtm.recovery.epochStallTimeoutMs}. */
  private static final int STALLED = -2;

  /** {@link #awaitFirst}'s answer when the sink's commit of an epoch failed ({@link WatchedStreamingWrite}). */
  private static final int COMMIT_FAILED = -3;

  /**
   * Waits for the first stage to end, watching the epoch clock meanwhile: Spark 4.2.0's epoch update
   * thread dies silently when the source throws in {@code needsReconfiguration} (a deleted Kafka
   * topic), and the query would then hang with no epoch, no commit and no error.
   */
  private int awaitFirst(CompletableFuture<Integer> firstEnded, EpochCoordinatorClient coordinator)
      throws InterruptedException {
    long stallMs = PluginSettings.epochStallTimeoutMs(sqlConf);
    long pollMs = stallMs <= 0 ? Long.MAX_VALUE : Math.max(10, Math.min(1000, stallMs / 4));
    long lastEpoch = -1;
    long lastChange = System.nanoTime();
    while (true) {
      try {
        return firstEnded.get(pollMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("stage waiter failed", e.getCause()); // waiters never complete exceptionally
      } catch (java.util.concurrent.TimeoutException e) {
        long epoch;
        try {
          epoch = coordinator.currentEpoch();
        } catch (RuntimeException rpc) {
          continue; // the coordinator is going away with the query; the stop interrupts us
        }
        if (epoch != lastEpoch) {
          lastEpoch = epoch;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > TimeUnit.MILLISECONDS.toNanos(stallMs)) {
          return STALLED;
        }
      }
    }
  }

  private void awaitSlots(List<PlannedStage> stages) {
    // A sink that runs a batch job per epoch (the Delta upsert's MERGE) needs a slot beside the
    // long-lived tasks; counted here so that a cluster without one fails at start, not at the first commit.
    int sinkJobSlots = UpsertStreamingWrite.slotsPerCommit(write);
    int needed = stages.stream().mapToInt(PlannedStage::numPartitions).sum() + sinkJobSlots;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.slotWaitMs());
    while (true) {
      int total = SchedulerSlots.total(sc);
      int free = total - SchedulerSlots.busy(sc);
      if (free >= needed) {
        return;
      }
      if (System.nanoTime() > deadline) {
        String tasks = stages.stream().map(PlannedStage::describe).collect(Collectors.joining("; "));
        throw RtmErrors.insufficientTaskSlots(needed, free, total,
            sinkJobSlots == 0 ? tasks : tasks + "; " + sinkJobSlots + " for the sink's per-epoch MERGE job");
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
