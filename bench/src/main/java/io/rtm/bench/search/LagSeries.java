package io.rtm.bench.search;

import java.util.function.LongUnaryOperator;

/**
 * The output lag over a step's window, in seconds of input, from what the benchmark's own JVM
 * sees (generator and measuring consumer): two measures, one per kind of workload.
 *
 * @param atSec sample times, seconds after the generator started, ascending
 * @param lagSec the lag at each of them
 */
public record LagSeries(double[] atSec, double[] lagSec) {

  /**
   * For workloads with one output per kept event: outputs still owed (the kept events among those
   * sent so far, minus the outputs received so far) over the rate at which they are owed.
   * Constant offsets (priming outputs, events dropped before the window) cancel in {@link
   * StepVerdict}'s floor growth.
   *
   * @param sent events the generator had sent at each time
   * @param received output records the consumer had received at each time
   * @param expectedOutputs outputs owed for the first n events sent
   * @param outputsPerSec the rate at which outputs are owed at the step's input rate
   */
  public static LagSeries ofCounts(double[] atSec, long[] sent, long[] received, LongUnaryOperator expectedOutputs,
      double outputsPerSec) {
    double[] lag = new double[atSec.length];
    for (int i = 0; i < atSec.length; i++) {
      lag[i] = (expectedOutputs.applyAsLong(sent[i]) - received[i]) / outputsPerSec;
    }
    return new LagSeries(atSec.clone(), lag);
  }

  /**
   * For aggregates, whose outputs are fewer than the events and carry the send time of the newest
   * event they count: how far behind the clock the newest send time seen so far is. An engine that
   * keeps up stays a latency behind; one that falls behind drifts further every second.
   *
   * @param arrivalSec output arrival times (seconds after the generator started), ascending
   * @param latencyUs each output's latency: arrival minus the send time it carries
   * @param gridSec the step between the times the lag is evaluated at
   */
  public static LagSeries ofFrontier(double[] arrivalSec, int[] latencyUs, double fromSec, double toSec,
      double gridSec) {
    int points = Math.max(0, (int) Math.floor((toSec - fromSec) / gridSec + 1e-9) + 1);
    double[] at = new double[points];
    double[] lag = new double[points];
    double frontier = Double.NEGATIVE_INFINITY;
    int next = 0;
    int kept = 0;
    for (int p = 0; p < points; p++) {
      double t = fromSec + p * gridSec;
      while (next < arrivalSec.length && arrivalSec[next] <= t) {
        frontier = Math.max(frontier, arrivalSec[next] - latencyUs[next] / 1e6);
        next++;
      }
      if (frontier > Double.NEGATIVE_INFINITY) {
        at[kept] = t;
        lag[kept] = t - frontier;
        kept++;
      }
    }
    return new LagSeries(java.util.Arrays.copyOf(at, kept), java.util.Arrays.copyOf(lag, kept));
  }
}
