package io.rtm.bench.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a child server's readiness by polling a probe until a deadline. */
final class Poll {
  private Poll() {}

  /**
   * Calls {@code ready} every {@code interval} until it returns true; a probe signals a hopeless
   * state (the child died) by throwing. On timeout the exception carries {@code diagnostics}.
   */
  static void until(
      String what,
      Duration timeout,
      Duration interval,
      BooleanSupplier ready,
      Supplier<String> diagnostics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            what + " not ready within " + timeout + "\n" + diagnostics.get());
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }
}
