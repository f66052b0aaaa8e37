package io.rtm.bench.child;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM one mode runs one workload in, started fresh for every run so that its peak heap and
 * RSS belong to that run alone. Talks to the benchmark through {@link ChildProtocol}: {@code
 * ready} once the query runs, {@code failed} as soon as it dies, and, after the parent's {@code
 * stop} (or the end of stdin), a {@code result} with the failure if any, the peak heap and RSS and
 * every epoch commit.
 */
public final class ModeProcess {
  private ModeProcess() {}

  public static void main(String[] argv) throws Exception {
    PrintStream out = System.out;
    ChildArgs args = ChildArgs.parse(argv);
    HeapPeakSampler heap = HeapPeakSampler.start();
    // Each branch's classes load only when taken: the Flink JVM has no Spark on its classpath.
    ModeRun run = switch (args.mode().engine()) {
      case NONE -> new KafkaRelay(args);
      case FLINK -> new FlinkRun(args);
      default -> new SparkRun(args);
    };
    long startedMs = System.currentTimeMillis();
    try {
      run.start();
    } catch (Throwable t) {
      t.printStackTrace();
      Map<String, Object> result = failure(run, "start", t);
      run.stop();
      result.putAll(memory(heap));
      ChildProtocol.emit(out, ChildProtocol.RESULT, result);
      System.exit(0);
    }
    ChildProtocol.emit(out, ChildProtocol.READY, Map.of("start_ms", System.currentTimeMillis() - startedMs));
    run.failure().thenAccept(t -> {
      t.printStackTrace();
      ChildProtocol.emit(out, ChildProtocol.FAILED, failure(run, "run", t));
    });
    awaitStop();
    Map<String, Object> result = new LinkedHashMap<>();
    Throwable died = run.failure().getNow(null);
    result.putAll(died == null ? Map.of("status", "ok") : failure(run, "run", died));
    result.putAll(memory(heap));
    List<CommitLogWatcher.Commit> commits = run.commits();
    try {
      result.putAll(run.finalMetrics());
    } catch (RuntimeException e) {
      // Only a report column is lost.
      e.printStackTrace();
    }
    run.stop();
    result.put("commits", commits.stream().map(c -> new long[] {c.epoch(), c.atMs()}).toList());
    ChildProtocol.emit(out, ChildProtocol.RESULT, result);
    // Spark and Kafka leave non-daemon threads behind; the result is out, nothing else matters.
    System.exit(0);
  }

  private static void awaitStop() throws java.io.IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().equals(ChildProtocol.STOP)) {
        return;
      }
    }
  }

  private static Map<String, Object> failure(ModeRun run, String phase, Throwable t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "failed");
    m.put("phase", phase);
    m.put("error", run.errorLabel(t));
    m.put("message", run.errorMessage(t));
    return m;
  }

  private static Map<String, Object> memory(HeapPeakSampler heap) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peak_heap_bytes", heap.peakUsedBytes());
    m.put("peak_heap_committed_bytes", heap.peakCommittedBytes());
    m.put("peak_rss_bytes", ProcStatus.peakRssBytes());
    return m;
  }
}
