package io.rtm.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.harness.EventGenerator;
import io.rtm.bench.harness.LatencyRecorder;
import io.rtm.bench.harness.LatencySamples;
import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.harness.WallClock;
import io.rtm.bench.search.LagSeries;
import io.rtm.bench.search.ProgressSampler;
import io.rtm.bench.search.RateSearch;
import io.rtm.bench.search.SearchResult;
import io.rtm.bench.search.StepResult;
import io.rtm.bench.search.StepVerdict;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * One search in one ready mode JVM: primes the query like a fixed-rate run, warms it up at the
 * start rate, then holds each rate of the ladder for a step (settle, then the judged window) on
 * the same generator, so the query sees one stream whose rate steps up, and stops at the first
 * step {@link StepVerdict} does not call sustainable. No restart between steps: a mode's start-up
 * backlog (the plugin needs ~20 s at 10k/s to work off its own) is paid once, in the warm-up.
 */
final class RateSearchRun {
  private static final int MAX_SAMPLES = 30_000_000;

  private final String bootstrap;
  private final Workload workload;
  private final Mode mode;
  private final RateSearch search;
  private final Duration warmup;
  private final PrintStream progress;

  RateSearchRun(String bootstrap, Workload workload, Mode mode, RateSearch search, Duration warmup,
      PrintStream progress) {
    this.bootstrap = bootstrap;
    this.workload = workload;
    this.mode = mode;
    this.search = search;
    this.warmup = warmup;
    this.progress = progress;
  }

  SearchResult run(ModeChild child, String in, String out) {
    List<Integer> ladder = search.ladder();
    long planned = (long) search.startRate() * (warmup.toSeconds() + 1);
    for (int rate : ladder) {
      planned += (long) rate * (search.stepDuration().toSeconds() + 1);
    }
    int capacity = (int) Math.min(MAX_SAMPLES, planned + 100_000);
    try (LatencyRecorder recorder = RunExecutor.recorder(bootstrap, out, mode).maxValues(0).sampleCapacity(capacity).start();
        EventGenerator generator = new EventGenerator(bootstrap, in, search.startRate(), workload.accounts(),
            RunExecutor.SEED)) {
      long primed = RunExecutor.prime(bootstrap, workload, search.startRate(), in, recorder, child);
      if (primed < 0) {
        RunExecutor.NotRun why = RunExecutor.noOutput(child);
        return SearchResult.notRun(workload, mode, why.status(), why.error(), why.message(), why.peakHeap(),
            why.peakRss());
      }
      long originUs = WallClock.epochMicros();
      long sampleSlots = (warmup.toMillis() + ladder.size() * search.stepDuration().toMillis())
          / RateSearch.LAG_SAMPLE.toMillis() + 1_000;
      List<StepResult> steps = new ArrayList<>();
      boolean died;
      try (ProgressSampler sampler = new ProgressSampler(generator::sent, recorder::count, originUs,
          (int) sampleSlots)) {
        died = send(generator, warmup, search.startRate(), child);
        KeptPrefix kept = new KeptPrefix(generator.events());
        for (int i = 0; i < ladder.size() && !died; i++) {
          int rate = ladder.get(i);
          double stepStart = secondsSince(originUs);
          died = send(generator, search.stepDuration(), rate, child);
          double stepEnd = secondsSince(originUs);
          if (died) {
            break;
          }
          StepResult step = judge(rate, stepStart + search.settle().toMillis() / 1e3, stepEnd, sampler, recorder,
              originUs, kept);
          steps.add(step);
          progress.printf(Locale.ROOT, "       %-12s %-14s step %7d/s  offered %7.0f/s  out %7.0f/s  p99 %8.1f ms"
                  + "  lag growth %6.2f s  %s%n",
              workload.id(), mode.id(), rate, step.offeredPerSec(), step.latency().throughputPerSec(),
              step.latency().p99Us() / 1e3, step.verdict().lagGrowthSec(), step.verdict().reason());
          if (!step.verdict().sustainable()) {
            break;
          }
        }
      }
      if (died) {
        generator.stop();
      }
      JsonNode result = child.stop(RunExecutor.STOP_TIMEOUT);
      RunResult.Status status = RunResult.Status.OK;
      String error = null;
      String message = null;
      if (result.path("status").asText().equals("failed")) {
        status = RunResult.Status.FAILED;
        error = result.path("error").asText();
        message = result.path("message").asText();
      }
      return new SearchResult(workload, mode, status, error, message, lagMeasure(workload), List.copyOf(steps),
          result.path("peak_heap_bytes").asLong(-1), result.path("peak_rss_bytes").asLong(-1),
          StateSize.of(result));
    }
  }

  static String lagMeasure(Workload workload) {
    return workload.outputPerEvent() ? "outputs owed" : "send-time frontier";
  }

  private StepResult judge(int rate, double from, double to, ProgressSampler sampler, LatencyRecorder recorder,
      long originUs, KeptPrefix kept) {
    LatencySamples raw = recorder.samples();
    WindowedLatency samples = raw.size() == 0
        ? new WindowedLatency(new double[0], new int[0])
        : WindowedLatency.of(raw.arrivalsMs(), raw.latenciesUs(), raw.firstArrivalUs(), originUs);
    LatencySummary latency = samples.summary(from, to);
    ProgressSampler.Points points = sampler.between(from, to);
    LagSeries lag;
    if (workload.outputPerEvent()) {
      // In events first (ascending sent counts, so the kept prefix only counts forward), then in
      // seconds of the outputs owed at this rate.
      LagSeries events = LagSeries.ofCounts(points.atSec(), points.sent(), points.received(), kept::upTo, 1);
      long lastSent = points.size() == 0 ? 0 : points.sent()[points.size() - 1];
      double owedPerSec = rate * (lastSent == 0 ? 1 : kept.upTo(lastSent) / (double) lastSent);
      double[] seconds = java.util.Arrays.stream(events.lagSec()).map(l -> l / owedPerSec).toArray();
      lag = new LagSeries(events.atSec(), seconds);
    } else {
      lag = LagSeries.ofFrontier(samples.atSec(), samples.latencyUs(), from, to,
          RateSearch.LAG_SAMPLE.toMillis() / 1e3);
    }
    StepVerdict verdict = StepVerdict.judge(search, rate, points.sentPerSec(), lag.atSec(), lag.lagSec(), latency);
    return new StepResult(rate, points.sentPerSec(), latency, verdict, from, to);
  }

  /** Sends at {@code rate} for {@code duration}; true when the mode JVM reported a failure meanwhile. */
  private static boolean send(EventGenerator generator, Duration duration, int rate, ModeChild child) {
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> generator.runFor(duration, rate));
    return RunExecutor.awaitEither(sending, child.failed(), duration.plusMinutes(1));
  }

  private static double secondsSince(long originUs) {
    return (WallClock.epochMicros() - originUs) / 1e6;
  }

  /** How many of the events 0 .. n-1 the filter keeps, for ascending n (it only counts forward). */
  static final class KeptPrefix {
    private final EventFactory events;
    private long next;
    private long kept;

    KeptPrefix(EventFactory events) {
      this.events = events;
    }

    synchronized long upTo(long n) {
      if (n < next) {
        next = 0;
        kept = 0;
      }
      for (; next < n; next++) {
        kept += Workload.kept(events, next) ? 1 : 0;
      }
      return kept;
    }
  }
}
