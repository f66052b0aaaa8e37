package io.rtm.bench.run;

import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of the modes of one run compared with each other: for each workload and rate with
 * a {@link FinalOutput} in at least two modes, every mode against the first one (stock micro-batch
 * when it ran, as the reference), so "plugin = Flink = micro-batch" is a verdict of its own and
 * not only implied by each one's check against the expected output.
 *
 * @param reference the mode the others are compared with
 * @param differences per mode that differs: its first difference; empty when all agree
 */
public record CrossModeCheck(Workload workload, int rate, Mode reference, List<Mode> modes, int rows,
    Map<Mode, String> differences) {

  public boolean agree() {
    return differences.isEmpty();
  }

  public static List<CrossModeCheck> of(List<RunResult> results) {
    Map<String, List<RunResult>> cells = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (r.ok() && r.finalOutput() != null) {
        cells.computeIfAbsent(r.spec().workload().id() + "@" + r.spec().rate(), k -> new ArrayList<>()).add(r);
      }
    }
    List<CrossModeCheck> checks = new ArrayList<>();
    for (List<RunResult> cell : cells.values()) {
      if (cell.size() < 2) {
        continue;
      }
      RunResult reference = cell.stream().filter(r -> r.spec().mode() == Mode.stockBaseline()).findFirst()
          .orElse(cell.get(0));
      Map<Mode, String> differences = new LinkedHashMap<>();
      for (RunResult r : cell) {
        String diff = r == reference ? null : r.finalOutput().firstDifference(reference.finalOutput());
        if (diff != null) {
          differences.put(r.spec().mode(), diff);
        }
      }
      checks.add(new CrossModeCheck(reference.spec().workload(), reference.spec().rate(), reference.spec().mode(),
          cell.stream().map(r -> r.spec().mode()).toList(), reference.finalOutput().size(), differences));
    }
    return checks;
  }
}
