package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkStandaloneClusterTest {
  @TempDir Path work;

  @Test
  void clusterRunsJobsOnEveryWorkerAndLosesAKilledOne() {
    long started = System.nanoTime();
    try (SparkStandaloneCluster cluster = SparkStandaloneCluster.start(work, 2, 1)) {
      System.out.printf(
          "Spark cluster (master + 2 workers) up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(cluster.workers()).hasSize(2).allMatch(w -> w.state().equals("ALIVE"));
      assertThat(cluster.workerPids()).hasSize(2).doesNotHaveDuplicates();

      SparkSession spark =
          SparkSession.builder()
              .appName("bench-cluster-test")
              .master(cluster.masterUrl())
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.executor.memory", "1g")
              .config("spark.executor.cores", "1")
              .getOrCreate();
      try {
        Set<String> taskExecutors = ConcurrentHashMap.newKeySet();
        spark.sparkContext().addSparkListener(new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            taskExecutors.add(taskEnd.taskInfo().executorId());
          }
        });
        // Driver plus one executor per worker; without this the job may run before the second
        // executor registers.
        await().atMost(Duration.ofSeconds(60))
            .until(() -> spark.sparkContext().statusTracker().getExecutorInfos().length == 3);

        System.out.printf("executors registered after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(spark.range(1000).count()).isEqualTo(1000);
        System.out.printf("job done after %d ms%n", (System.nanoTime() - started) / 1_000_000);

        // Each worker offers one core and 1g, so it hosts at most one 1-core, 1g executor:
        // two distinct executors ran tasks means both workers did.
        await().atMost(Duration.ofSeconds(10)).until(() -> taskExecutors.size() == 2);

        long workerPid = cluster.workerPids().get(0);
        List<ProcessHandle> executors =
            ProcessHandle.of(workerPid).orElseThrow().descendants().toList();
        assertThat(executors).isNotEmpty();

        cluster.killWorker(0);

        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.aliveWorkers() == 1);
        assertThat(ProcessHandle.of(workerPid)).isEmpty();
        assertThat(executors).noneMatch(ProcessHandle::isAlive);
        assertThat(spark.range(100).count()).isEqualTo(100);
      } finally {
        spark.stop();
      }
    }
  }
}
