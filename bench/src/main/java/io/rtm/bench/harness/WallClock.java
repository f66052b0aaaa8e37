package io.rtm.bench.harness;

import java.time.Instant;

/**
 * Epoch time in microseconds. Generator and recorder may live in different JVMs on this machine,
 * so latency is measured with the shared wall clock, not System.nanoTime.
 */
public final class WallClock {
  private WallClock() {}

  public static long epochMicros() {
    return toMicros(Instant.now());
  }

  public static long toMicros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }
}
