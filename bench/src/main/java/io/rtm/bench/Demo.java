package io.rtm.bench;

import io.rtm.bench.child.CommitLogWatcher;
import io.rtm.bench.cli.Flags;
import io.rtm.bench.harness.EventGenerator;
import io.rtm.bench.harness.KafkaBroker;
import io.rtm.bench.harness.LatencyRecorder;
import io.rtm.bench.harness.LatencySamples;
import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.harness.LiveHeapMonitor;
import io.rtm.bench.harness.WallClock;
import io.rtm.bench.query.Pipelines;
import io.rtm.bench.query.SparkSessions;
import io.rtm.bench.run.Priming;
import io.rtm.bench.run.WindowedLatency;
import io.rtm.bench.spec.Workload;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The demo: its own broker, 10,000 events/s, the shuffled query (filter, repartition(2,
 * account_id), projection, Kafka out) with 100 ms epochs for 60 s, then end-to-end latency
 * percentiles and throughput. {@code --trigger microbatch} runs the same query on stock
 * micro-batch for comparison.
 *
 * <p>{@code --pause-output-s N} writes the output to a second broker and freezes it (SIGSTOP) for N
 * seconds right after the warm-up: the run then reports the live heap (after each garbage
 * collection) before, during and after the pause, and exits 1 unless every kept event arrived
 * (duplicates are reported, not failed: the Kafka sink is at-least-once).
 *
 * <pre>--rate 10000 --seconds 60 --warmup-s 20 --ramp-s 10 --trigger realtime|microbatch --epoch-ms 100 --pause-output-s 0</pre>
 *
 * <p>{@code --plan} checks the other flags, prints what the run would do and exits without
 * starting anything (so CI can check the docs' demo commands, DocsCommandsIT).
 */
public final class Demo {
  private static final Set<String> VALUES =
      Set.of("rate", "seconds", "warmup-s", "ramp-s", "trigger", "epoch-ms", "pause-output-s");
  private static final String IN = "events";
  private static final String OUT = "events-by-account";
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final PrintStream out = System.out;
  private final int rate;
  private final int seconds;
  private final int warmupSeconds;
  /** The first part of the warm-up at rising rates (RampSteps): the JVM compiles while it keeps up. */
  private final int rampSeconds;
  private final boolean realTime;
  private final long epochMs;
  private final int pauseOutputSeconds;

  private Demo(Flags flags) {
    rate = flags.intValue("rate", 10_000);
    seconds = flags.intValue("seconds", 60);
    warmupSeconds = flags.intValue("warmup-s", 20);
    rampSeconds = flags.intValue("ramp-s", warmupSeconds / 2);
    if (rampSeconds < 0 || rampSeconds > warmupSeconds) {
      throw new IllegalArgumentException("--ramp-s is the first part of the warm-up: between 0 and --warmup-s");
    }
    String trigger = flags.value("trigger", "realtime");
    if (!trigger.equals("realtime") && !trigger.equals("microbatch")) {
      throw new IllegalArgumentException("--trigger is realtime or microbatch, not " + trigger);
    }
    realTime = trigger.equals("realtime");
    epochMs = flags.intValue("epoch-ms", 100);
    pauseOutputSeconds = flags.intValue("pause-output-s", 0);
    if (pauseOutputSeconds > 0 && warmupSeconds + pauseOutputSeconds + 10 > seconds) {
      throw new IllegalArgumentException("--pause-output-s needs --seconds >= warm-up + pause + 10");
    }
    if (warmupSeconds >= seconds) {
      throw new IllegalArgumentException("--warmup-s must be shorter than --seconds");
    }
  }

  public static void main(String[] argv) throws Exception {
    Flags flags = Flags.parse(argv, VALUES, Set.of("plan"));
    Demo demo = new Demo(flags);
    if (flags.has("plan")) {
      demo.printPlan();
      System.exit(0);
    }
    int exit = demo.run();
    // Spark and the Kafka clients leave non-daemon threads behind; everything is closed by now.
    System.exit(exit);
  }

  private void printPlan() {
    out.printf(Locale.ROOT, "plan: %s, %,d events/s for %d s, warm-up %d s%s%s%n",
        realTime ? "real-time mode, " + epochMs + " ms epochs" : "stock micro-batch", rate, seconds, warmupSeconds,
        rampSeconds > 0 ? " (rising to the full rate over its first " + rampSeconds + " s)" : "",
        pauseOutputSeconds > 0 ? ", output broker paused for " + pauseOutputSeconds + " s after the warm-up" : "");
  }

  private int run() throws Exception {
    Path work = Files.createTempDirectory("rtm-demo-");
    try {
      return runIn(work);
    } finally {
      deleteRecursively(work);
    }
  }

  private int runIn(Path work) throws Exception {
    out.println("Real-time mode demo: Kafka -> filter -> repartition(2, account_id) -> projection -> Kafka");
    out.println(realTime
        ? "  trigger: Continuous(" + epochMs + " ms) with spark.sql.streaming.realTimeMode.enabled=true (epoch = checkpoint interval)"
        : "  trigger: stock micro-batch (default trigger), same query, switch off");
    out.printf(Locale.ROOT, "  %,d events/s for %d s; the first %d s are warm-up and not measured%s%n%n", rate, seconds,
        warmupSeconds, rampSeconds > 0 ? " (the rate rises to " + String.format(Locale.ROOT, "%,d", rate)
            + "/s over the first " + rampSeconds + " s, so the JVM compiles its hot paths while it keeps up)" : "");
    try (KafkaBroker broker = KafkaBroker.start(work);
         KafkaBroker outputBroker = pauseOutputSeconds > 0 ? KafkaBroker.start(work.resolve("output-broker")) : null) {
      KafkaBroker target = outputBroker != null ? outputBroker : broker;
      broker.createTopic(IN, 2);
      target.createTopic(OUT, 2);
      out.println("broker ready at " + broker.bootstrapServers()
          + (outputBroker != null ? ", output broker at " + outputBroker.bootstrapServers() : "")
          + "; starting Spark (local[8])...");
      SparkSession spark = SparkSessions.create("rtm-demo", realTime);
      try {
        return measure(spark, broker.bootstrapServers(), target, work.resolve("checkpoint"));
      } finally {
        spark.stop();
      }
    }
  }

  private int measure(SparkSession spark, String bootstrap, KafkaBroker target, Path checkpoint) throws Exception {
    String outBootstrap = target.bootstrapServers();
    CommitLogWatcher commits = CommitLogWatcher.watch(checkpoint);
    Dataset<Row> query = Pipelines.build(spark, Workload.SHUFFLE, bootstrap, IN, rate);
    DataStreamWriter<Row> writer = query.writeStream().format("kafka")
        .option("kafka.bootstrap.servers", outBootstrap)
        .option("kafka.linger.ms", "0")
        .option("topic", OUT)
        .option("checkpointLocation", checkpoint.toString());
    if (realTime) {
      writer.trigger(Trigger.Continuous(epochMs));
    }
    StreamingQuery running = writer.start();
    long idBound = (long) rate * (seconds + 30);
    LatencyRecorder configured = new LatencyRecorder(outBootstrap, OUT).maxValues(0).sampleCapacity(rate * (seconds + 30));
    if (pauseOutputSeconds > 0) {
      configured.trackEventIds(idBound);
    }
    try (LatencyRecorder recorder = configured.start();
        LiveHeapMonitor heap = LiveHeapMonitor.start();
        EventGenerator generator = new EventGenerator(bootstrap, IN, rate, Workload.SHUFFLE.accounts(), 1)) {
      out.println("query started; waiting for the first record to come through...");
      if (!Priming.awaitFirstOutput(bootstrap, IN, Workload.SHUFFLE.accounts(), recorder,
          () -> running.exception().isDefined() || !running.isActive(), Duration.ofMinutes(3))) {
        out.println("no output from the query: " + (running.exception().isDefined()
            ? running.exception().get().getMessage() : "nothing within 3 minutes"));
        return 1;
      }
      out.println("records flow end to end; sending " + rate + " events/s\n");
      long startUs = WallClock.epochMicros();
      generator.startAsync(Duration.ofSeconds(rampSeconds));
      long pauseAtMs = startUs / 1000 + warmupSeconds * 1000L;
      long resumeAtMs = pauseAtMs + pauseOutputSeconds * 1000L;
      for (long t = PROGRESS_EVERY.toSeconds(); t <= seconds; t += PROGRESS_EVERY.toSeconds()) {
        if (pauseOutputSeconds > 0) {
          pauseOutputBetween(target, pauseAtMs, resumeAtMs, startUs + t * 1_000_000);
        }
        sleepUntil(startUs + t * 1_000_000);
        if (running.exception().isDefined()) {
          out.println("the query failed: " + running.exception().get().getMessage());
          return 1;
        }
        LatencySummary recent = window(recorder, startUs, t - PROGRESS_EVERY.toSeconds(), t);
        out.printf(Locale.ROOT, "  %3d s  sent %,9d  received %,9d  epochs committed %5d  last 10 s: p50 %s  p99 %s ms%n",
            t, generator.sent(), recorder.count(), commits.count(), ms(recent.p50Us()), ms(recent.p99Us()));
      }
      generator.stop();
      long missing = pauseOutputSeconds > 0
          ? reportPause(recorder, heap, generator.sent(), startUs, pauseAtMs, resumeAtMs, running) : 0;
      running.stop();
      LatencySummary summary = window(recorder, startUs, warmupSeconds, seconds);
      if (pauseOutputSeconds > 0) {
        LatencySummary after = window(recorder, startUs, warmupSeconds + pauseOutputSeconds + 10, seconds);
        if (after.count() == 0) {
          out.println("Latency after the output broker came back: not measured (the run ends within 10 s of the"
              + " resume; give --seconds more than warm-up + pause + 10)");
        } else {
          out.printf(Locale.ROOT, "Latency from 10 s after the output broker came back to the end (%,d records):"
              + " p50 %s  p99 %s  max %s ms%n", after.count(), ms(after.p50Us()), ms(after.p99Us()), ms(after.maxUs()));
        }
      }
      report(summary, generator.sent(), commits.count());
      reportGcPauses(heap.pauses(startUs / 1000 + warmupSeconds * 1000L, startUs / 1000 + seconds * 1000L));
      if (realTime && pauseOutputSeconds == 0) {
        reportByEpochPhase(recorder, startUs);
      }
      commits.close();
      if (missing > 0) {
        out.printf(Locale.ROOT, "FAILED: %,d kept events never arrived after the output broker came back%n", missing);
        return 1;
      }
      return summary.count() > 0 ? 0 : 1;
    }
  }

  /** Freezes the output broker while the wall clock is inside [pauseAt, resumeAt), up to {@code untilUs}. */
  private boolean paused;

  private void pauseOutputBetween(KafkaBroker target, long pauseAtMs, long resumeAtMs, long untilUs)
      throws InterruptedException {
    if (!paused && System.currentTimeMillis() < resumeAtMs && pauseAtMs < untilUs / 1000) {
      sleepUntil(pauseAtMs * 1000);
      target.pause();
      paused = true;
      out.printf(Locale.ROOT, "  output broker frozen (SIGSTOP) for %d s%n", pauseOutputSeconds);
    }
    if (paused && resumeAtMs < untilUs / 1000) {
      sleepUntil(resumeAtMs * 1000);
      target.resume();
      paused = false;
      out.println("  output broker resumed (SIGCONT)");
    }
  }

  /**
   * Waits for the backlog to drain, then prints the live heap per phase and the completeness check.
   *
   * @return kept events that never arrived
   */
  private long reportPause(LatencyRecorder recorder, LiveHeapMonitor heap, long sent, long startUs,
      long pauseAtMs, long resumeAtMs, StreamingQuery running) throws InterruptedException {
    io.rtm.bench.harness.EventFactory events = new io.rtm.bench.harness.EventFactory(1, Workload.SHUFFLE.accounts());
    long expected = 0;
    for (long id = 0; id < sent; id++) {
      if (Workload.kept(events, id)) {
        expected++;
      }
    }
    long deadline = System.currentTimeMillis() + 120_000;
    while (recorder.distinctIds() < expected && System.currentTimeMillis() < deadline
        && running.exception().isEmpty()) {
      Thread.sleep(200);
    }
    long now = System.currentTimeMillis();
    long startMs = startUs / 1000;
    out.printf(Locale.ROOT, "%nOutput broker frozen %d s: live heap after GC (max per phase, MiB; -Xmx %d MiB):%n",
        pauseOutputSeconds, Runtime.getRuntime().maxMemory() >> 20);
    out.printf(Locale.ROOT, "  before the pause %6s   (%d collections)%n", mib(heap.maxUsedAfterGc(startMs, pauseAtMs)),
        heap.collections(startMs, pauseAtMs));
    out.printf(Locale.ROOT, "  during the pause %6s   (%d collections)%n", mib(heap.maxUsedAfterGc(pauseAtMs, resumeAtMs)),
        heap.collections(pauseAtMs, resumeAtMs));
    out.printf(Locale.ROOT, "  after the pause  %6s   (%d collections)%n", mib(heap.maxUsedAfterGc(resumeAtMs, now)),
        heap.collections(resumeAtMs, now));
    out.printf(Locale.ROOT, "Completeness: %,d kept events sent, %,d distinct received, %,d missing, %,d duplicates%n",
        expected, recorder.distinctIds(), expected - recorder.distinctIds(), recorder.duplicateIds());
    return expected - recorder.distinctIds();
  }

  /**
   * Spark fires continuous triggers at multiples of the interval on the wall clock, so an epoch
   * boundary is at every multiple of {@code epochMs}: compares records that reached the consumer
   * in the first 20 ms after a boundary with all the others. A cost at epoch boundaries shows as a
   * higher percentile in the first group.
   */
  private void reportByEpochPhase(LatencyRecorder recorder, long startUs) {
    LatencySamples raw = recorder.samples();
    if (raw.size() == 0 || epochMs <= 20) {
      return;
    }
    int[] arrivals = raw.arrivalsMs();
    int[] latencies = raw.latenciesUs();
    long firstMs = raw.firstArrivalUs() / 1000;
    long fromMs = startUs / 1000 + warmupSeconds * 1000L;
    long toMs = startUs / 1000 + seconds * 1000L;
    int[] near = new int[arrivals.length];
    int[] far = new int[arrivals.length];
    int n = 0;
    int f = 0;
    for (int i = 0; i < arrivals.length; i++) {
      long at = firstMs + arrivals[i];
      if (at < fromMs || at >= toMs) {
        continue;
      }
      if (Math.floorMod(at, epochMs) < 20) {
        near[n++] = latencies[i];
      } else {
        far[f++] = latencies[i];
      }
    }
    int[] a = java.util.Arrays.copyOf(near, n);
    int[] b = java.util.Arrays.copyOf(far, f);
    java.util.Arrays.sort(a);
    java.util.Arrays.sort(b);
    out.printf(Locale.ROOT, "By epoch phase (arrival within 20 ms after an epoch boundary vs later):%n");
    out.printf(Locale.ROOT, "  near a boundary %,9d records  p50 %s  p99 %s  max %s ms%n", n, ms(pct(a, 50)), ms(pct(a, 99)),
        ms(n == 0 ? 0 : a[n - 1]));
    out.printf(Locale.ROOT, "  elsewhere       %,9d records  p50 %s  p99 %s  max %s ms%n", f, ms(pct(b, 50)), ms(pct(b, 99)),
        ms(f == 0 ? 0 : b[f - 1]));
  }

  private static long pct(int[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
  }

  private static LatencySummary window(LatencyRecorder recorder, long startUs, double fromSec, double toSec) {
    LatencySamples raw = recorder.samples();
    if (raw.size() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
    }
    return WindowedLatency.of(raw.arrivalsMs(), raw.latenciesUs(), raw.firstArrivalUs(), startUs)
        .summary(fromSec, toSec);
  }

  private void report(LatencySummary s, long sent, int epochs) {
    out.printf(Locale.ROOT, "%nEnd-to-end latency, producer send to consumer receipt, %d s window (%,d records):%n",
        seconds - warmupSeconds, s.count());
    out.printf(Locale.ROOT, "  p50    %8s ms%n  p90    %8s ms%n  p99    %8s ms%n  p99.9  %8s ms%n  max    %8s ms%n",
        ms(s.p50Us()), ms(s.p90Us()), ms(s.p99Us()), ms(s.p999Us()), ms(s.maxUs()));
    out.printf(Locale.ROOT, "Throughput: %,.0f records/s out (%,d events/s in; the filter drops about 10 %%)%n",
        s.throughputPerSec(), rate);
    out.printf(Locale.ROOT, "%s committed: %d (%,d events sent)%n", realTime ? "Epochs" : "Batches", epochs, sent);
  }

  private void reportGcPauses(LiveHeapMonitor.Pauses p) {
    double windowMs = (seconds - warmupSeconds) * 1000.0;
    out.printf(Locale.ROOT, "GC pauses in the window (this JVM: driver, executor, generator, recorder): %d,"
        + " %d ms in all (%.1f %% of the window), longest %d ms%n", p.count(), p.totalMs(),
        100.0 * p.totalMs() / windowMs, p.maxMs());
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private static void sleepUntil(long epochMicros) throws InterruptedException {
    long waitMs = (epochMicros - WallClock.epochMicros()) / 1000;
    if (waitMs > 0) {
      Thread.sleep(waitMs);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      // a temp folder
    }
  }
}
