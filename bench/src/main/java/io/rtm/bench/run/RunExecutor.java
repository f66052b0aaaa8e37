package io.rtm.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtm.bench.child.ChildArgs;
import io.rtm.bench.flink.FlinkSettings;
import io.rtm.bench.harness.EventGenerator;
import io.rtm.bench.harness.JavaCommand;
import io.rtm.bench.harness.KafkaBroker;
import io.rtm.bench.harness.LatencyRecorder;
import io.rtm.bench.harness.WallClock;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Runs one cell: fresh topics, a fresh mode JVM, the generator and the recorder in this JVM (so
 * they never compete with the driver's heap), then the child's result and the measured window.
 */
public final class RunExecutor implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
  private static final int PARTITIONS = 2;
  static final long SEED = 1;
  private static final java.util.regex.Pattern ERROR_CONDITION = java.util.regex.Pattern.compile("[A-Z_][A-Z0-9_.]+");

  private final KafkaBroker broker;
  private final Admin admin;
  private final Path workDir;
  private final Function<Mode, List<Path>> childClasspath;

  /** {@code childClasspath}: what each mode's JVM runs on (Spark's and Flink's never mix). */
  public RunExecutor(KafkaBroker broker, Path workDir, Function<Mode, List<Path>> childClasspath) {
    this.broker = broker;
    this.workDir = workDir;
    this.childClasspath = childClasspath;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  /** The same heap and collector for every engine; each gets the module openings its distribution uses. */
  static List<String> jvmArgs(Mode mode) {
    List<String> jvm = new ArrayList<>(mode.engine() == Mode.Engine.FLINK
        ? FlinkSettings.JAVA17_OPTIONS : JavaCommand.SPARK_JAVA17_OPTIONS);
    jvm.addAll(List.of("-Xmx2g", "-XX:+UseG1GC", "-Djava.awt.headless=true"));
    jvm.addAll(extraModeJvmOptions());
    return List.copyOf(jvm);
  }

  /**
   * {@code RTM_BENCH_MODE_JAVA_OPTS}, split on spaces: options added to every mode's JVM alike
   * (Spark's, Flink's and the relay's), for trying a JVM setting on every engine in one run.
   */
  public static List<String> extraModeJvmOptions() {
    String value = System.getenv().getOrDefault("RTM_BENCH_MODE_JAVA_OPTS", "").trim();
    return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
  }

  public RunResult execute(RunSpec spec) {
    return withChild(spec.workload(), spec.mode(), spec.id(), spec.rate(),
        (child, in, out) -> measure(spec, child, in, out),
        refused -> RunResult.notRun(spec, refused.status(), refused.error(), refused.message(), refused.peakHeap(),
            refused.peakRss()));
  }

  /**
   * The sustainable-rate search of {@code workload} under {@code mode}: one mode JVM, the rates of
   * {@code search} one after another on one stream (see {@link RateSearchRun}).
   */
  public io.rtm.bench.search.SearchResult search(Workload workload, Mode mode, io.rtm.bench.search.RateSearch search,
      Duration warmup, java.io.PrintStream progress) {
    return withChild(workload, mode, "search-" + workload.id() + "-" + mode.id(), search.startRate(),
        (child, in, out) -> new RateSearchRun(broker.bootstrapServers(), workload, mode, search, warmup, progress)
            .run(child, in, out),
        refused -> io.rtm.bench.search.SearchResult.notRun(workload, mode, refused.status(), refused.error(),
            refused.message(), refused.peakHeap(), refused.peakRss()));
  }

  /** What a run of a mode JVM does once its query is ready, with its input and output topics. */
  interface ChildBody<T> {
    T run(ModeChild child, String in, String out);
  }

  /** Why a mode JVM produced no measurement: it refused the workload, failed, or gave no output. */
  record NotRun(RunResult.Status status, String error, String message, long peakHeap, long peakRss) {
    static NotRun of(JsonNode result) {
      return new NotRun(classify(result), result.path("error").asText(), result.path("message").asText(),
          result.path("peak_heap_bytes").asLong(-1), result.path("peak_rss_bytes").asLong(-1));
    }
  }

  /** Fresh topics and a fresh mode JVM; {@code body} once its query is ready, else {@code refused}. */
  private <T> T withChild(Workload workload, Mode mode, String id, int rate, ChildBody<T> body,
      Function<NotRun, T> refused) {
    String in = id + "-in";
    String out = id + "-out";
    broker.createTopic(in, PARTITIONS);
    broker.createTopic(out, PARTITIONS);
    Path dir = workDir.resolve(id);
    ChildArgs args = new ChildArgs(mode, workload, broker.bootstrapServers(), in, out, dir.resolve("checkpoint"), rate);
    try (ModeChild child = ModeChild.start(childClasspath.apply(mode), jvmArgs(mode), args, dir)) {
      JsonNode started = child.awaitStarted(START_TIMEOUT);
      if (!started.path("event").asText().equals("ready")) {
        return refused.apply(NotRun.of(started));
      }
      return body.run(child, in, out);
    } finally {
      deleteTopics(in, out);
    }
  }

  /**
   * Primes the query (see {@link Priming}); the priming events sent, or -1 when no output came
   * (the child failed, or nothing arrived within the start timeout).
   */
  static long prime(String bootstrap, Workload workload, int rate, String in, LatencyRecorder recorder,
      ModeChild child) {
    return workload == Workload.FRAUD || workload == Workload.FRAUD_FINAL
        ? Priming.primeWindows(bootstrap, in, Workload.fraudThreshold(rate), recorder, child.failed()::isDone,
            START_TIMEOUT)
        : Priming.prime(bootstrap, in, workload.accounts(), recorder, child.failed()::isDone, START_TIMEOUT);
  }

  /** Stops a child that gave no output after priming and says why. */
  static NotRun noOutput(ModeChild child) {
    JsonNode result = child.stop(STOP_TIMEOUT);
    if (result.path("status").asText().equals("failed")) {
      return NotRun.of(result);
    }
    return new NotRun(RunResult.Status.FAILED, "no output",
        "no output within " + START_TIMEOUT.toSeconds() + " s of the query's start",
        result.path("peak_heap_bytes").asLong(-1), result.path("peak_rss_bytes").asLong(-1));
  }

  private RunResult measure(RunSpec spec, ModeChild child, String in, String out) {
    int expectedSamples = (int) Math.min(20_000_000, spec.rate() * (spec.sendDuration().toSeconds() + 60L));
    try (LatencyRecorder recorder = recorder(broker.bootstrapServers(), out, spec.mode())
            .maxValues(spec.checksOutput() ? expectedSamples : 0)
            .sampleCapacity(expectedSamples)
            .start();
        EventGenerator generator = new EventGenerator(
            broker.bootstrapServers(), in, spec.rate(), spec.workload().accounts(), SEED)
            .recordSendTimes(spec.checksOutput() ? spec.exactEvents() : 0)) {
      long primed = prime(broker.bootstrapServers(), spec.workload(), spec.rate(), in, recorder, child);
      if (primed < 0) {
        NotRun why = noOutput(child);
        return RunResult.notRun(spec, why.status(), why.error(), why.message(), why.peakHeap(), why.peakRss());
      }
      long generatorStartUs = WallClock.epochMicros();
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(() -> generator.runFor(spec.sendDuration(), spec.ramp()));
      // A checked run's window is all of its sending, not a fixed one: no CPU window there.
      CpuWindow cpu = spec.checksOutput() ? null : CpuWindow.schedule(child.pid(), spec.warmup(), spec.window());
      boolean died = awaitEither(sending, child.failed(), spec.sendDuration().plusMinutes(1));
      if (died) {
        generator.stop();
      }
      double sentSeconds = (WallClock.epochMicros() - generatorStartUs) / 1e6;
      if (!died && spec.checksOutput()
          && (spec.workload() == Workload.AGGREGATION || spec.workload() == Workload.FRAUD_FINAL)) {
        Drain.untilCountsComplete(
            () -> RunOutcome.check(spec, recorder.values(), primed, generator.sent(), generator.events(),
                generator::sendMicros),
            spec, child.failed());
      } else if (!died && spec.checksOutput()) {
        Drain.untilComplete(recorder, generator.sent(), spec, child.failed());
      }
      JsonNode result = child.stop(STOP_TIMEOUT);
      try {
        return RunOutcome.of(spec, result, recorder, primed, generator.sent(), sentSeconds, generatorStartUs,
            generator.events(), generator::sendMicros, cpu);
      } finally {
        if (cpu != null) {
          cpu.close();
        }
      }
    }
  }

  /**
   * The measuring consumer of {@code out} for a run under {@code mode}, not started: it reads with
   * the mode's isolation level ({@link Mode#consumerIsolationLevel}), so an exactly-once mode's
   * output counts only once committed, as its users would see it.
   */
  static LatencyRecorder recorder(String bootstrap, String out, Mode mode) {
    return new LatencyRecorder(bootstrap, out).isolationLevel(mode.consumerIsolationLevel());
  }

  /** True when the child reported a failure before the generator finished. */
  static boolean awaitEither(CompletableFuture<Void> sending, CompletableFuture<JsonNode> failed, Duration timeout) {
    try {
      CompletableFuture.anyOf(sending, failed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the generator failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the generator did not finish within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return failed.isDone() && !sending.isDone();
  }

  /**
   * A refusal at start is "unsupported"; so is a run-time failure whose condition says so (Spark's
   * real-time allowlist and the plugin's stage planner reject operators only once the query runs).
   */
  static RunResult.Status classify(JsonNode failure) {
    String error = failure.path("error").asText();
    String upper = error.toUpperCase(Locale.ROOT);
    boolean saysSo = upper.contains("UNSUPPORTED") || upper.contains("ALLOWLIST") || upper.contains("NOT_SUPPORTED");
    // At start, an error condition is Spark's (or the plugin's) analysis refusing the query; a bare
    // exception class (a missing class, a dead broker) is the harness or the build failing.
    boolean conditionAtStart = failure.path("phase").asText().equals("start") && ERROR_CONDITION.matcher(error).matches();
    return saysSo || conditionAtStart ? RunResult.Status.UNSUPPORTED : RunResult.Status.FAILED;
  }

  private void deleteTopics(String... topics) {
    try {
      admin.deleteTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Only disk space is at stake; the broker's data dir goes away with the benchmark.
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
