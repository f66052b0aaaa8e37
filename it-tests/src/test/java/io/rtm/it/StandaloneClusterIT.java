package io.rtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import io.rtm.bench.harness.SparkStandaloneCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same shuffled query on a standalone cluster: a master and two workers in their own JVMs, so
 * shuffle rows cross executor JVMs over the network. The plugin reaches the executors as a user
 * ships it: the shaded jar in spark.jars.
 */
class StandaloneClusterIT {
  private static KafkaBroker broker;
  private static SparkStandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    cluster = SparkStandaloneCluster.start(Sessions.workDir("cluster"), 2, 3);
    spark = Sessions.realTime(cluster.masterUrl())
        .config("spark.jars", Sessions.pluginJar().toString())
        .config("spark.executor.memory", "1g")
        .config("spark.executor.cores", "3")
        .config("spark.cores.max", "6")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theShuffledQueryRunsAcrossTwoExecutorsAndMatchesMicroBatch() throws Exception {
    RealTimeModeIT.RunningTasks listener = new RealTimeModeIT.RunningTasks();
    spark.sparkContext().addSparkListener(listener);
    String in = "cluster-in";
    String rtOut = "cluster-out-rt";
    String mbOut = "cluster-out-mb";
    broker.createTopic(in, 2);
    broker.createTopic(rtOut, 1);
    broker.createTopic(mbOut, 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector rt = new KafkaTopics.Collector(broker.bootstrapServers(), rtOut);
         KafkaTopics.Collector mb = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      StreamingQuery query = Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, 4),
              broker.bootstrapServers(), rtOut, Sessions.workDir("cp").toString())
          .trigger(Trigger.Continuous("200 milliseconds"))
          .start();
      try {
        // 2 source tasks + 4 shuffle tasks, all running at once on 6 slots over two executors.
        await().atMost(Duration.ofSeconds(120)).until(() ->
            listener.snapshot().values().stream().mapToInt(Integer::intValue).sum() == 6);
        assertThat(listener.executors).hasSize(2);

        List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 1000);
        long expected = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
        await().atMost(Duration.ofSeconds(90)).until(() -> rt.values().size() >= expected);
        assertThat(query.exception().isDefined()).isFalse();
      } finally {
        query.stop();
      }
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      StreamingQuery microBatch = Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, 4),
              broker.bootstrapServers(), mbOut, Sessions.workDir("cp-mb").toString())
          .trigger(Trigger.AvailableNow())
          .start();
      microBatch.awaitTermination();
      long expected = rt.values().size();
      await().atMost(Duration.ofSeconds(30)).until(() -> mb.values().size() >= expected);
      assertThat(multiset(rt.values())).isEqualTo(multiset(mb.values()));
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }
}
