package io.rtm.bench.run;

import io.rtm.bench.spec.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The quick mode's pass/fail: every cell ran, every per-event output is complete and correct (and
 * free of duplicates under an exactly-once mode), and
 * every mode produced as many distinct outputs as the relay for the same input, and the modes'
 * final outputs agree with each other ({@link CrossModeCheck}). Never a timing.
 */
public record QuickVerdict(List<String> problems) {

  public boolean passed() {
    return problems.isEmpty();
  }

  public static QuickVerdict of(List<RunResult> results) {
    List<String> problems = new ArrayList<>();
    Map<String, Long> relayCounts = results.stream()
        .filter(r -> r.spec().mode() == Mode.RELAY && r.check() != null)
        .collect(Collectors.toMap(r -> key(r.spec()), r -> r.check().distinct()));
    for (RunResult r : results) {
      String cell = r.spec().id();
      if (!r.ok()) {
        problems.add(cell + ": " + r.statusText() + (r.message() == null ? "" : ": " + r.message()));
        continue;
      }
      if (r.check() == null) {
        continue;
      }
      if (!r.check().passed()) {
        problems.add(cell + ": output incomplete or wrong: " + r.check());
      } else if (!r.check().passedFor(r.spec().mode())) {
        problems.add(cell + ": " + r.check().duplicates() + " duplicate outputs under an exactly-once mode: " + r.check());
      }
      Long relay = relayCounts.get(key(r.spec()));
      if (relay != null && relay != r.check().distinct()) {
        problems.add(cell + ": " + r.check().distinct() + " distinct outputs, the relay produced " + relay);
      }
    }
    for (CrossModeCheck c : CrossModeCheck.of(results)) {
      c.differences().forEach((mode, diff) -> problems.add(c.workload().id() + "@" + c.rate() + ": " + mode.id()
          + "'s final output differs from " + c.reference().id() + "'s at " + diff));
    }
    return new QuickVerdict(List.copyOf(problems));
  }

  private static String key(RunSpec spec) {
    return spec.workload().id() + "@" + spec.rate();
  }
}
