package io.rtm.bench.spec;

import io.rtm.bench.harness.EventFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The benchmark's queries, by what they stress. The Spark plans live in {@code
 * io.rtm.bench.query.Pipelines}; the relay's plain-Java equivalents in {@code
 * io.rtm.bench.child.KafkaRelay}. Both filter with {@link #kept}.
 */
public enum Workload {
  STATELESS("stateless", "filter + projection of ~200-byte JSON events", 1_000, true),
  SHUFFLE("shuffle", "filter + repartition(2, account_id) + projection", 1_000, true),
  AGGREGATION("aggregation", "count/sum per account, update mode, 10,000 keys", 10_000, false),
  FRAUD(
      "fraud",
      "count per account per 1 s event-time window (watermark 2 s), alert above a threshold; every update (update mode)",
      1_000,
      false),
  FRAUD_FINAL(
      "fraud-final",
      "the fraud query's final window counts only: append mode, a window leaves once the watermark passes its end",
      1_000,
      false),
  BROADCAST_JOIN(
      "join", "filter + stream-static broadcast join with a 10,000-row account table", 10_000, true);

  /** Events whose amount is below this (in cents) are dropped: about 10 % of them. */
  public static final long MIN_AMOUNT_CENTS = 100_000;
  /** Rows of the static account table of {@link #BROADCAST_JOIN}. */
  public static final int DIMENSION_ROWS = 10_000;

  private final String id;
  private final String description;
  private final int accounts;
  private final boolean outputPerEvent;

  Workload(String id, String description, int accounts, boolean outputPerEvent) {
    this.id = id;
    this.description = description;
    this.accounts = accounts;
    this.outputPerEvent = outputPerEvent;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** Distinct account ids the generator draws from: the key cardinality of the query. */
  public int accounts() {
    return accounts;
  }

  /**
   * True when every kept input event yields exactly one output record carrying its event id, so
   * completeness can be checked id by id; aggregations emit one row per updated group instead.
   */
  public boolean outputPerEvent() {
    return outputPerEvent;
  }

  public boolean stateful() {
    return this == AGGREGATION || this == FRAUD || this == FRAUD_FINAL;
  }

  /** Emits a window's result once, when it closes (append mode), rather than every update. */
  public boolean windowFinal() {
    return this == FRAUD_FINAL;
  }

  /** Whether the filter shared by every per-event workload keeps event {@code id}. */
  public static boolean kept(EventFactory events, long id) {
    return events.amountCents(id) >= MIN_AMOUNT_CENTS;
  }

  /**
   * Window count above which the fraud query alerts: 1.5 times the mean events per account per
   * second at this rate, so a few percent of windows alert at any rate.
   */
  public static long fraudThreshold(int ratePerSec) {
    return Math.max(2, (long) Math.ceil(1.5 * ratePerSec / FRAUD.accounts));
  }

  public static Workload byId(String id) {
    return Arrays.stream(values())
        .filter(w -> w.id.equals(id.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown workload " + id + "; one of " + Arrays.toString(ids())));
  }

  public static String[] ids() {
    return Arrays.stream(values()).map(Workload::id).toArray(String[]::new);
  }
}
