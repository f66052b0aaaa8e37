package io.rtm.bench.harness;

import java.util.Locale;

/** Latency percentiles in microseconds and throughput in records/s over one window. */
public record LatencySummary(
    long count,
    long p50Us,
    long p90Us,
    long p99Us,
    long p999Us,
    long maxUs,
    double throughputPerSec,
    long droppedSamples) {

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"count\":%d,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"p999_us\":%d,\"max_us\":%d,"
            + "\"throughput_per_s\":%.1f,\"dropped_samples\":%d}",
        count,
        p50Us,
        p90Us,
        p99Us,
        p999Us,
        maxUs,
        throughputPerSec,
        droppedSamples);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
