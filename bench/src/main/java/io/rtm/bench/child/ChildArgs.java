package io.rtm.bench.child;

import io.rtm.bench.cli.Flags;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What one mode JVM runs; {@link #toArgs()} and {@link #parse} are each other's inverse. */
public record ChildArgs(
    Mode mode,
    Workload workload,
    String bootstrap,
    String inTopic,
    String outTopic,
    Path checkpoint,
    int rate) {

  private static final Set<String> NAMES =
      Set.of("mode", "workload", "bootstrap", "in", "out", "checkpoint", "rate");

  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--mode", mode.id(), "--workload", workload.id()));
    args.addAll(List.of("--bootstrap", bootstrap, "--in", inTopic, "--out", outTopic));
    args.addAll(List.of("--checkpoint", checkpoint.toString(), "--rate", Integer.toString(rate)));
    return args;
  }

  static ChildArgs parse(String[] argv) {
    Flags f = Flags.parse(argv, NAMES, Set.of());
    return new ChildArgs(
        Mode.byId(f.required("mode")),
        Workload.byId(f.required("workload")),
        f.required("bootstrap"),
        f.required("in"),
        f.required("out"),
        Path.of(f.required("checkpoint")),
        Integer.parseInt(f.required("rate")));
  }
}
