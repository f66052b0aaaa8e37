package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker JVM for the class: starting one takes seconds on a two-core machine. */
class KafkaBrokerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    long started = System.nanoTime();
    broker = KafkaBroker.start(work);
    System.out.printf("Kafka broker up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      broker.close();
      assertThat(broker.dir()).doesNotExist();
    }
  }

  @Test
  void generatedEventsRoundTripWithTheirIds() {
    broker.createTopic("roundtrip", 3);
    try (LatencyRecorder recorder = new LatencyRecorder(broker.bootstrapServers(), "roundtrip").start();
        EventGenerator generator =
            new EventGenerator(broker.bootstrapServers(), "roundtrip", 1000, 50, 11)) {
      generator.sendBatch(1000);

      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count() == 1000);

      List<String> values = recorder.values();
      assertThat(values.stream().mapToLong(v -> field(v, "event_id")).sorted().toArray())
          .containsExactly(LongStream.range(0, 1000).toArray());
      assertThat(values)
          .allSatisfy(v -> assertThat(v).hasSize(EventFactory.TARGET_BYTES))
          .allSatisfy(
              v ->
                  assertThat(text(v, "account_id"))
                      .isEqualTo(generator.events().accountId(field(v, "event_id"))));
      assertThat(generator.acked()).isEqualTo(1000);
      assertThat(recorder.withoutSendTime()).isZero();
      LatencySummary latency = recorder.summary();
      assertThat(latency.count()).isEqualTo(1000);
      assertThat(latency.p50Us()).isPositive().isLessThanOrEqualTo(latency.maxUs());
    }
  }

  @Test
  void pacedGeneratorHoldsItsRate() {
    broker.createTopic("paced", 1);
    try (EventGenerator generator =
        new EventGenerator(broker.bootstrapServers(), "paced", 500, 10, 3)) {
      generator.runFor(Duration.ofSeconds(2));

      // A fixed schedule sends exactly rate x duration events (give or take the last one).
      assertThat(generator.sent()).isBetween(999L, 1001L);
      assertThat(generator.acked()).isEqualTo(generator.sent());
    }
  }

  @Test
  void rampedRunSendsEachStepsScheduleThenTheFullRate() {
    broker.createTopic("ramped", 1);
    try (EventGenerator generator =
        new EventGenerator(broker.bootstrapServers(), "ramped", 500, 10, 3)) {
      generator.runFor(Duration.ofSeconds(2), Duration.ofSeconds(1));

      long expected = 500;
      for (RampSteps.Step step : RampSteps.of(Duration.ofSeconds(1), 500)) {
        expected += step.rate() * step.duration().toMillis() / 1000;
      }
      // Each of the ramp's steps and the rest is a fixed schedule: give or take one event each.
      assertThat(expected).isLessThan(1000);
      assertThat(generator.sent()).isBetween(expected - RampSteps.STEPS - 1, expected + RampSteps.STEPS + 1);
      assertThat(generator.acked()).isEqualTo(generator.sent());
    }
  }

  @Test
  void pausedBrokerStallsConsumptionUntilResumed() {
    broker.createTopic("pause", 1);
    try (LatencyRecorder recorder = new LatencyRecorder(broker.bootstrapServers(), "pause").start();
        EventGenerator generator = new EventGenerator(broker.bootstrapServers(), "pause", 200, 10, 5)) {
      generator.startAsync();
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count() > 20);

      broker.pause();
      try {
        // A fetch answered just before SIGSTOP may still land; wait for the flow to stop...
        AtomicLong previous = new AtomicLong(-1);
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> previous.getAndSet(recorder.count()) == recorder.count());
        long frozen = recorder.count();
        // ...then it must stay stopped although the generator keeps producing at 200/s.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
            .until(() -> recorder.count() == frozen);
        assertThat(generator.sent()).isGreaterThan(frozen + 200);
      } finally {
        broker.resume();
      }

      long resumedFrom = recorder.count();
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count() > resumedFrom + 200);
      generator.stop();
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count() == generator.sent());
    }
  }

  @Test
  void stopAndRestartKeepPortAndData() {
    broker.createTopic("durable", 2);
    try (EventGenerator generator = new EventGenerator(broker.bootstrapServers(), "durable", 1, 5, 9)) {
      generator.sendBatch(100);
    }
    String bootstrap = broker.bootstrapServers();
    long oldPid = broker.pid();

    broker.stop();
    assertThat(broker.pid()).isEqualTo(-1);
    assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    long restarted = System.nanoTime();
    broker.restart();
    System.out.printf("Kafka broker restarted in %d ms%n", (System.nanoTime() - restarted) / 1_000_000);

    assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
    try (LatencyRecorder recorder = new LatencyRecorder(bootstrap, "durable").start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count() == 100);
      assertThat(recorder.values().stream().mapToLong(v -> field(v, "event_id")).sorted().toArray())
          .containsExactly(LongStream.range(0, 100).toArray());
    }
  }

  @Test
  void generatorAndRecorderRunOutOfProcess() {
    broker.createTopic("external", 1);
    JavaCommand.main(EventGenerator.class.getName())
        .classpath(Classpaths.harness())
        .jvmArgs("-Xmx256m")
        .args("--bootstrap", broker.bootstrapServers(), "--topic", "external", "--batch", "50")
        .run("generator", work, work.resolve("generator.log"), Duration.ofSeconds(60));
    JavaCommand.main(LatencyRecorder.class.getName())
        .classpath(Classpaths.harness())
        .jvmArgs("-Xmx256m")
        .args("--bootstrap", broker.bootstrapServers(), "--topic", "external",
            "--until-count", "50", "--duration-s", "60")
        .run("recorder", work, work.resolve("recorder.log"), Duration.ofSeconds(90));

    assertThat(ChildProcess.tail(work.resolve("generator.log"), 1))
        .contains("\"sent\":50", "\"acked\":50", "\"failed\":0");
    assertThat(ChildProcess.tail(work.resolve("recorder.log"), 1))
        .contains("\"records\":50", "\"without_send_time\":0", "\"count\":50");
  }

  private static long field(String json, String name) {
    try {
      return JSON.readTree(json).get(name).asLong();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(String json, String name) {
    try {
      return JSON.readTree(json).get(name).asText();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
