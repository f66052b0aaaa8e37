package io.rtm.bench.search;

import io.rtm.bench.harness.LatencySummary;

/**
 * One step of a search: a rate held for the step's window.
 *
 * @param offeredPerSec what the generator sent per second in the window
 * @param fromSec the window, seconds after the generator started
 */
public record StepResult(int rate, double offeredPerSec, LatencySummary latency, StepVerdict verdict, double fromSec,
    double toSec) {}
