package io.rtm.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rates of a warm-up ramp: {@link #STEPS} equal steps at a tenth, two tenths, ... up to the
 * full rate.
 *
 * <p>Why a ramp: a JVM that meets the full rate with its first event runs its hot paths
 * interpreted while its one C2 compiler thread competes for the same two cores as the engine,
 * the broker and the generator. On a 2-core machine that backlog took from 3 s to over a minute
 * to drain, by engine and by day (docs/benchmarks.md), so a fixed warm-up measured partly how
 * long the JIT took and partly the engine. Rising load lets every engine compile its hot paths
 * while it keeps up, as a production query that started before its traffic peaked would.
 */
public final class RampSteps {
  public static final int STEPS = 10;

  /** One step: this long at this rate. */
  public record Step(Duration duration, int rate) {}

  private RampSteps() {}

  /** The steps of a ramp of {@code ramp} to {@code rate}; none for a zero ramp. */
  public static List<Step> of(Duration ramp, int rate) {
    List<Step> steps = new ArrayList<>();
    if (ramp.isZero()) {
      return steps;
    }
    Duration step = ramp.dividedBy(STEPS);
    for (int k = 1; k <= STEPS; k++) {
      steps.add(new Step(step, Math.max(1, (int) ((long) rate * k / STEPS))));
    }
    return steps;
  }
}
