package io.rtm.bench.search;

import io.rtm.bench.harness.WallClock;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Samples, every {@link RateSearch#LAG_SAMPLE}, how many events the generator has sent and how
 * many outputs the consumer has received, on one background thread; bounded by its capacity
 * (later samples are dropped, which only shortens the series).
 */
public final class ProgressSampler implements AutoCloseable {
  private final LongSupplier sent;
  private final LongSupplier received;
  private final long originUs;
  private final double[] atSec;
  private final long[] sentAt;
  private final long[] receivedAt;
  private int size;
  private volatile boolean running = true;
  private final Thread thread;

  public ProgressSampler(LongSupplier sent, LongSupplier received, long originUs, int capacity) {
    this.sent = sent;
    this.received = received;
    this.originUs = originUs;
    this.atSec = new double[capacity];
    this.sentAt = new long[capacity];
    this.receivedAt = new long[capacity];
    this.thread = new Thread(this::loop, "progress-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      double t = (WallClock.epochMicros() - originUs) / 1e6;
      long s = sent.getAsLong();
      long r = received.getAsLong();
      synchronized (this) {
        if (size < atSec.length) {
          atSec[size] = t;
          sentAt[size] = s;
          receivedAt[size] = r;
          size++;
        }
      }
      LockSupport.parkNanos(RateSearch.LAG_SAMPLE.toNanos());
    }
  }

  /** The samples taken in [{@code fromSec}, {@code toSec}]. */
  public synchronized Points between(double fromSec, double toSec) {
    int lo = 0;
    while (lo < size && atSec[lo] < fromSec) {
      lo++;
    }
    int hi = lo;
    while (hi < size && atSec[hi] <= toSec) {
      hi++;
    }
    return new Points(Arrays.copyOfRange(atSec, lo, hi), Arrays.copyOfRange(sentAt, lo, hi),
        Arrays.copyOfRange(receivedAt, lo, hi));
  }

  /** Samples: times (seconds after the origin), events sent, outputs received. */
  public record Points(double[] atSec, long[] sent, long[] received) {
    public int size() {
      return atSec.length;
    }

    /** Events sent per second between the first and the last sample; 0 with fewer than two. */
    public double sentPerSec() {
      return size() < 2 ? 0 : (sent[size() - 1] - sent[0]) / (atSec[size() - 1] - atSec[0]);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
