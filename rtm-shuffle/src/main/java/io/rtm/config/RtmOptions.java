package io.rtm.config;

import java.util.List;

/**
 * Every configuration key of the real-time mode plugin, in one place so that documentation can be
 * generated from {@link #all()} and typos can be detected.
 *
 * <p>To add a key: declare a {@code public static final ConfigOption} constant with a doc sentence
 * that says what it bounds and what the trade-off is, and append it to {@link #all()} (a test
 * checks that every constant is listed).
 */
public final class RtmOptions {

  private RtmOptions() {}

  // ---------------------------------------------------------------------------------------------
  // The switch and query-level behaviour (module rtm-plugin)
  // ---------------------------------------------------------------------------------------------

  public static final ConfigOption<Boolean> REAL_TIME_MODE_ENABLED =
      ConfigOption.booleanOption("spark.sql.streaming.realTimeMode.enabled", false)
          .doc("The one switch. When true, queries with a continuous trigger"
              + " (Trigger.Continuous / trigger(continuous=...)) run on the real-time engine:"
              + " long-lived concurrent stages, pipelined shuffle, epochs as checkpoints. So do queries"
              + " with Spark's own Trigger.RealTime(d) / trigger(realTime=...) and a v2 sink, as"
              + " Trigger.Continuous(d): the batch duration becomes the epoch interval"
              + " (docs/spark-real-time-trigger.md). When false the plugin changes nothing and Spark"
              + " behaves as stock.");

  public static final ConfigOption<Boolean> FALLBACK_TO_STOCK_EXECUTION =
      ConfigOption.booleanOption("spark.rtm.fallbackToStockExecution", false)
          .doc("When true, a continuous-trigger query the real-time engine cannot run is left to"
              + " Spark's own continuous processing (with its own checks and limits) and a warning is"
              + " logged. When false (default) such a query fails at start with RTM_UNSUPPORTED_OPERATOR.");

  public static final ConfigOption<Integer> SOURCE_QUEUE_SIZE =
      ConfigOption.intOption("spark.rtm.source.queueSize", 1024)
          .atLeast(1)
          .doc("Rows a source task reads ahead of its operators; bounds source-side memory per task."
              + " When full, the source reader stops reading (backpressure to the broker). Larger"
              + " queues absorb bursts, smaller ones bound memory more tightly. Not used for Kafka"
              + " sources read on the task thread (spark.rtm.source.kafkaDirectPoll), which read"
              + " only when the task asks for a row.");

  public static final ConfigOption<Long> EPOCH_POLL_INTERVAL_MS =
      ConfigOption.longOption("spark.rtm.source.epochPollIntervalMs", 10L)
          .atLeast(1)
          .doc("How often a source task asks the driver whether the epoch moved on, away from epoch"
              + " boundaries. Around the boundary it expects next (learned from the trigger's cadence)"
              + " a source polls ten times as often, so source tasks emit an epoch's barrier within"
              + " about a tenth of this of each other; a consumer aligning barriers holds the early"
              + " channel's rows for that long. Smaller values cost more driver RPCs.");

  public static final ConfigOption<Boolean> SOURCE_KAFKA_DIRECT_POLL =
      ConfigOption.booleanOption("spark.rtm.source.kafkaDirectPoll", true)
          .doc("When true (default), source tasks read a Kafka source by polling its cached consumer"
              + " directly, as Spark's built-in real-time mode does: each poll returns as soon as records"
              + " arrive. Kafka's continuous reader instead looks up the partition's earliest and latest"
              + " offsets around every fetch, two broker round trips that add tens of milliseconds to"
              + " every record. Either way an offset that went out of range is handled by Kafka's own"
              + " reader (failOnDataLoss). False reads through Kafka's continuous reader.");

  public static final ConfigOption<Long> SOURCE_RECONFIGURATION_CHECK_INTERVAL_MS =
      ConfigOption.longOption("spark.rtm.source.reconfigurationCheckIntervalMs", 1000L)
          .atLeast(0)
          .doc("How often the driver asks a real-time query's sources whether their partitions"
              + " changed (Spark's ContinuousStream.needsReconfiguration; for Kafka a topic listing"
              + " and a latest-offsets request to the broker). Spark asks at every epoch, ten times a"
              + " second with a 100 ms trigger, which cost the driver about 8 % of its CPU in the"
              + " stateless benchmark; added Kafka partitions (or a deleted topic) are noticed within"
              + " this interval instead. 0 asks at every epoch, as Spark does.");

  public static final ConfigOption<Long> SLOT_WAIT_MS =
      ConfigOption.longOption("spark.rtm.scheduling.slotWaitMs", 30000L)
          .atLeast(0)
          .doc("How long a starting query waits for enough free task slots (every task of every"
              + " stage runs at once for the life of the query) before it fails with"
              + " RTM_INSUFFICIENT_TASK_SLOTS. Covers executors that are still registering: the"
              + " default matches Spark's own spark.scheduler.maxRegisteredResourcesWaitingTime (30 s);"
              + " 10 s was too short for a fresh standalone cluster on a loaded 2-core machine, whose"
              + " executors had not registered when a query started.");

  public static final ConfigOption<Long> PRODUCER_WAIT_MS =
      ConfigOption.longOption("spark.rtm.scheduling.producerWaitMs", 60000L)
          .atLeast(1)
          .doc("How long a downstream task waits for every upstream producer task to publish its"
              + " shuffle address before it fails the query.");

  public static final ConfigOption<Long> WATERMARK_IDLE_TIMEOUT_MS =
      ConfigOption.longOption("spark.rtm.watermark.idleTimeoutMs", 5000L)
          .atLeast(0)
          .doc("A source partition whose rows stopped for this long is idle: consumers leave it out"
              + " of their watermark (the minimum over producers) until its next row, so one quiet"
              + " Kafka partition does not hold every window open. Rows an idle partition brings"
              + " later that are behind the watermark are late and dropped. Shorter closes windows"
              + " sooner on uneven partitions, longer drops fewer stragglers.");

  public static final ConfigOption<String> STATE_STORE_PROVIDER =
      ConfigOption.stringOption("spark.rtm.state.providerClass",
              "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
          .doc("State store provider of real-time stateful operators when"
              + " spark.sql.streaming.stateStore.providerClass is not set explicitly. Real-time"
              + " operators commit a state version every epoch (every trigger interval); RocksDB with"
              + " changelog checkpointing (turned on with it unless set explicitly) commits only the"
              + " changes, while the HDFS-backed default copies the whole state map per version. An"
              + " explicit spark.sql.streaming.stateStore.providerClass always wins.");

  public static final ConfigOption<Integer> STATE_EPOCHS_PER_SNAPSHOT =
      ConfigOption.intOption("spark.rtm.state.epochsPerSnapshot", 100)
          .atLeast(1)
          .doc("State versions (epochs) between two full state snapshots of a real-time stateful"
              + " operator, used as spark.sql.streaming.stateStore.minDeltasForSnapshot unless that is"
              + " set explicitly. RocksDB creates a snapshot on the task thread when it commits (a"
              + " flush and a local checkpoint, tens of milliseconds that every record waiting behind"
              + " it pays), and Spark's default of 10 would do that every second at 100 ms epochs. More"
              + " epochs per snapshot make latency smoother; a restart replays up to this many small"
              + " change logs.");

  public static final ConfigOption<Integer> STATE_FLUSH_AHEAD_EPOCHS =
      ConfigOption.intOption("spark.rtm.state.flushAheadEpochs", 5)
          .atLeast(0)
          .doc("Epochs before each RocksDB state snapshot (see spark.rtm.state.epochsPerSnapshot) at"
              + " which a real-time stateful operator starts RocksDB's memtable flush in the background,"
              + " so that the snapshot inside the commit, which waits for a flush of every write since"
              + " the last snapshot, finds little left to flush. 0 turns it off; it is off as well when"
              + " snapshots are at most twice this many epochs apart, or the provider is not RocksDB"
              + " with changelog checkpointing.");

  public static final ConfigOption<Boolean> STATE_STAGGER_SNAPSHOTS =
      ConfigOption.booleanOption("spark.rtm.state.staggerSnapshots", true)
          .doc("When true, the partitions of a real-time stateful operator take their RocksDB state"
              + " snapshots at different epochs of the spark.rtm.state.epochsPerSnapshot cycle, each"
              + " never later than Spark would, instead of all at the same epoch, where each snapshot"
              + " slows the others down on a machine with few cores.");

  public static final ConfigOption<Boolean> STATE_FORK_FREE_DELETES =
      ConfigOption.booleanOption("spark.rtm.state.forkFreeDeletes", true)
          .doc("When true, an executor JVM that runs a real-time stateful task makes Spark delete"
              + " directories with java.io instead of forking an rm -rf process (Spark's"
              + " JavaUtils.isUnix, JVM-wide from then on). Spark's RocksDB state store deletes a"
              + " directory on the task thread inside every snapshot commit, and the fork doubled that"
              + " part of the commit on a 2-core machine. false keeps Spark's fork.");

  public static final ConfigOption<Integer> STATE_EVENT_TIME_INDEX_ENTRIES =
      ConfigOption.intOption("spark.rtm.state.eventTimeIndexEntries", 100_000)
          .atLeast(1)
          .doc("State keys a watermarked stateful operator (window aggregation, deduplication,"
              + " session window, stream-stream join side) keeps on the heap per task, ordered by the"
              + " event time at which they leave the state, so that a rising watermark touches only the"
              + " keys it releases. Keys beyond it stay in the state store only (off the heap with"
              + " RocksDB); when the watermark passes the last key held, one full scan of the store"
              + " evicts what is due and refills the index. Each entry costs the key's bytes plus about"
              + " 60 bytes (100 bytes for a 40-byte key: 10 MB at the default). Larger values mean fewer"
              + " scans over a large state, smaller values less heap.");

  public static final ConfigOption<Boolean> CHECKPOINT_LOCAL_NIO =
      ConfigOption.booleanOption("spark.rtm.checkpoint.localNioFiles", true)
          .doc("When true, real-time queries whose checkpoint location is on the local file system"
              + " write their offset log, commit log and state files with java.nio (atomic rename, no"
              + " .crc side files) instead of Hadoop's local file system, which without Hadoop's native"
              + " library launches a chmod and a readlink process per file: several per epoch. Applies"
              + " only while spark.sql.streaming.realTimeMode.enabled is true and the plugin's manager"
              + " is the configured spark.sql.streaming.checkpointFileManagerClass (the plugin sets it"
              + " when the user has not). Other file systems always use Spark's own manager.");

  public static final ConfigOption<String> EXECUTOR_WARMUP_CLASSES =
      ConfigOption.stringOption("spark.rtm.executor.warmupClasses", "")
          .doc("Comma-separated classes each executor initializes on a background thread when the"
              + " plugin starts, so that a one-time class initializer does not stall a running"
              + " real-time task. For classes the query's plan does not show (see"
              + " spark.rtm.executor.planWarmup.enabled), for example one a UDF loads. Empty (the"
              + " default): none.");

  public static final ConfigOption<Boolean> EXECUTOR_PLAN_WARMUP =
      ConfigOption.booleanOption("spark.rtm.executor.planWarmup.enabled", true)
          .doc("When true, a real-time stage whose expressions have an expensive one-time class"
              + " initializer starts it on a background thread as its tasks start (and the driver"
              + " at query start), instead of stalling its first record on it: today Spark's ICU"
              + " case mapping behind upper, lower and initcap, which takes seconds of CPU. Queries"
              + " that do not use them do not pay for it.");

  public static final ConfigOption<Boolean> EXECUTOR_STRING_JSON_PARSING =
      ConfigOption.booleanOption("spark.rtm.executor.stringJsonParsing.enabled", true)
          .doc("When true, from_json in a real-time stage (struct, array and map schemas) hands"
              + " Spark's JSON parser each record as a string instead of through an"
              + " InputStreamReader, whose decoder allocates an 8 KiB buffer per record in Spark"
              + " 4.2.0: a quarter of a real-time query's allocation at 10,000 records/s, and so of"
              + " its garbage-collection pauses. Results, parse modes, the corrupt-record column and"
              + " errors are Spark's own (the string decodes UTF-8 as the reader did). false keeps"
              + " Spark's expression.");

  public static final ConfigOption<Integer> RECOVERY_MAX_RETRIES =
      ConfigOption.intOption("spark.rtm.recovery.maxRetries", 3)
          .atLeast(0)
          .doc("Automatic restarts of a real-time query in a row without new input committed between"
              + " them (epochs that commit no new offsets do not count as progress). When a task, an"
              + " executor or a worker is lost, every stage is restarted from the last committed epoch"
              + " (output of the open epoch is produced again); once a failure would exceed this count"
              + " the query fails with RTM_RECOVERY_EXHAUSTED and the last failure's root cause. 0 fails"
              + " the query at its first task failure.");

  public static final ConfigOption<Long> RECOVERY_INITIAL_BACKOFF_MS =
      ConfigOption.longOption("spark.rtm.recovery.initialBackoffMs", 200L)
          .atLeast(0)
          .doc("Wait before the first automatic restart after a failure; doubled for each further"
              + " restart in a row without committed progress, up to maxBackoffMs. Short waits recover"
              + " sooner, longer ones give a failing executor or broker time to come back before the"
              + " retries run out.");

  public static final ConfigOption<Long> RECOVERY_MAX_BACKOFF_MS =
      ConfigOption.longOption("spark.rtm.recovery.maxBackoffMs", 10000L)
          .atLeast(0)
          .doc("Upper bound of the wait between automatic restarts (see initialBackoffMs).");

  public static final ConfigOption<Long> RECOVERY_EPOCH_STALL_TIMEOUT_MS =
      ConfigOption.longOption("spark.rtm.recovery.epochStallTimeoutMs", 60000L)
          .atLeast(0)
          .doc("A run in which no new epoch starts for this long fails with RTM_EPOCHS_STALLED (and"
              + " is restarted like any failed run). Spark's epoch update thread dies silently when the"
              + " source fails to list its partitions (for example a deleted Kafka topic), which would"
              + " otherwise hang the query with no commit and no error. Keep it well above the trigger"
              + " interval; 0 turns the watch off.");

  public static final ConfigOption<Boolean> KAFKA_EXACTLY_ONCE =
      ConfigOption.booleanOption("spark.rtm.kafka.exactlyOnce", false)
          .doc("When true, Kafka sinks of real-time queries write exactly once for read_committed"
              + " consumers: each sink task writes each epoch in one Kafka transaction, through two"
              + " transactional producers in turn (ids rtm-<query id>-<partition> and"
              + " rtm-<query id>-<partition>-s1), flushed at the epoch's barrier and committed only after"
              + " the epoch is in the query's commit log; a restart commits or aborts what a failed task"
              + " left open and fences it. Costs: output becomes visible to read_committed consumers at"
              + " epoch commit (about one trigger interval later), a sink task waits for a commit when it"
              + " takes longer than an epoch, and the broker needs transactions (a replication factor and"
              + " min ISR for the transaction log). When false (default) the Kafka sink is at-least-once.");

  public static final ConfigOption<Integer> DELTA_UPSERT_MAX_KEYS_PER_TASK =
      ConfigOption.intOption("spark.rtm.delta.upsertMaxKeysPerTask", 100000)
          .atLeast(1)
          .since("0.1.0")
          .doc("Update-mode aggregations written to a Delta table are upserted by key once per epoch:"
              + " each sink task keeps the latest row of every key it updated in the current epoch and"
              + " sends them to the driver at the epoch's barrier, which MERGEs them into the table. This"
              + " bounds the keys one sink task may update in one epoch; a task that updates more fails"
              + " with RTM_DELTA_UPSERT_TOO_MANY_KEYS (and the query restarts from the last committed"
              + " epoch). Raise it, shorten the trigger interval, or add sink partitions.");

  // ---------------------------------------------------------------------------------------------
  // Shuffle transport (module rtm-shuffle)
  // ---------------------------------------------------------------------------------------------

  public static final ConfigOption<Integer> SHUFFLE_BUFFER_SIZE_BYTES =
      ConfigOption.intOption("spark.rtm.shuffle.bufferSizeBytes", 32768)
          .atLeast(64)
          .doc("Size of one shuffle network buffer (a batch of records sent as one frame); also the"
              + " unit of credit and of queue bounds. Larger buffers cost fewer frames and syscalls"
              + " under load but raise memory per channel (bufferSize x queue/credit counts).");

  public static final ConfigOption<Long> SHUFFLE_MAX_FLUSH_DELAY_MICROS =
      ConfigOption.longOption("spark.rtm.shuffle.maxFlushDelayMicros", 500L)
          .atLeast(0)
          .doc("Longest time a partially filled buffer waits for more records before it is sent;"
              + " bounds the batching latency added to a record at low rates. Smaller values lower"
              + " latency but send more, smaller frames; 0 sends every record immediately.");

  public static final ConfigOption<Integer> SHUFFLE_CREDITS_PER_CHANNEL =
      ConfigOption.intOption("spark.rtm.shuffle.creditsPerChannel", 8)
          .atLeast(1)
          .doc("Receive buffers a consumer grants each producer; bounds consumer memory per channel"
              + " to this many buffers. More credit hides network round trips at high throughput,"
              + " fewer credits make backpressure reach the producer sooner.");

  public static final ConfigOption<Integer> SHUFFLE_PRODUCER_QUEUE_BUFFERS =
      ConfigOption.intOption("spark.rtm.shuffle.producerQueueBuffers", 8)
          .atLeast(1)
          .doc("Full buffers a producer queues per subpartition before emitting blocks"
              + " (backpressure); bounds producer memory per subpartition. A deeper queue absorbs"
              + " bursts, a shallower one keeps less in-flight data and latency under overload.");

  public static final ConfigOption<Integer> SHUFFLE_CONNECT_TIMEOUT_MS =
      ConfigOption.intOption("spark.rtm.shuffle.connectTimeoutMs", 30000)
          .atLeast(1)
          .doc("How long a consumer keeps trying to open a connection to a producer before the"
              + " task fails. Longer tolerates slow executor start-up, shorter detects a dead or"
              + " unreachable executor sooner.");

  public static final ConfigOption<Integer> SHUFFLE_HEARTBEAT_INTERVAL_MS =
      ConfigOption.intOption("spark.rtm.shuffle.heartbeatIntervalMs", 2000)
          .atLeast(1)
          .doc("Interval at which an otherwise idle shuffle connection sends a heartbeat frame so"
              + " the peer can tell silence from death. Must be well below peerTimeoutMs; shorter"
              + " intervals cost a little more traffic on idle connections.");

  public static final ConfigOption<Integer> SHUFFLE_PEER_TIMEOUT_MS =
      ConfigOption.intOption("spark.rtm.shuffle.peerTimeoutMs", 10000)
          .atLeast(1)
          .doc("Silence after which a shuffle peer is considered dead and the task fails; bounds"
              + " how long a hung or partitioned executor stalls the query. Too short turns long GC"
              + " pauses into failures, too long delays recovery.");

  public static final ConfigOption<Integer> SHUFFLE_IO_THREADS =
      ConfigOption.intOption("spark.rtm.shuffle.ioThreads", 2)
          .atLeast(1)
          .doc("Netty event-loop threads per JVM shared by all shuffle connections (the first"
              + " configuration to start the transport in a JVM wins). More threads spread many"
              + " connections over more cores but compete with task threads for CPU.");

  public static final ConfigOption<Integer> SHUFFLE_SUBSCRIBE_WAIT_MS =
      ConfigOption.intOption("spark.rtm.shuffle.subscribeWaitMs", 30000)
          .atLeast(0)
          .doc("How long a producer holds a subscription for a partition that is not registered"
              + " yet (the map task may start after the reduce task), and how long a closed"
              + " partition keeps data for a consumer that never subscribed. Longer tolerates task"
              + " start-up skew, shorter reports mis-addressed subscriptions sooner.");

  public static final ConfigOption<Integer> SHUFFLE_PORT =
      ConfigOption.intOption("spark.rtm.shuffle.port", 0)
          .atLeast(0)
          .doc("TCP port the per-executor shuffle server binds; 0 picks a free ephemeral port,"
              + " which avoids clashes between executors on one host but needs firewalls to allow"
              + " the ephemeral range.");

  public static final ConfigOption<Boolean> SHUFFLE_LOCAL_CHANNELS_ENABLED =
      ConfigOption.booleanOption("spark.rtm.shuffle.localChannels.enabled", true)
          .doc("A reduce task reads a map task running in its own executor JVM straight from the"
              + " map task's queue instead of over a loopback TCP connection: the same credits,"
              + " barriers and bounds, without the event-loop hops, syscalls and frame codec. Turn"
              + " off only to exercise the TCP path in a single JVM.");

  public static final ConfigOption<String> SHUFFLE_BIND_HOST =
      ConfigOption.stringOption("spark.rtm.shuffle.bindHost", "")
          .doc("Address the per-executor shuffle server binds and advertises. Empty (default) uses"
              + " the address Spark advertises for the executor (spark.driver.host in local mode).");

  /** Every option declared above, in declaration order. */
  public static List<ConfigOption<?>> all() {
    return List.of(
        REAL_TIME_MODE_ENABLED,
        FALLBACK_TO_STOCK_EXECUTION,
        SOURCE_QUEUE_SIZE,
        EPOCH_POLL_INTERVAL_MS,
        SOURCE_KAFKA_DIRECT_POLL,
        SOURCE_RECONFIGURATION_CHECK_INTERVAL_MS,
        SLOT_WAIT_MS,
        PRODUCER_WAIT_MS,
        WATERMARK_IDLE_TIMEOUT_MS,
        STATE_STORE_PROVIDER,
        STATE_EPOCHS_PER_SNAPSHOT,
        STATE_FLUSH_AHEAD_EPOCHS,
        STATE_STAGGER_SNAPSHOTS,
        STATE_FORK_FREE_DELETES,
        STATE_EVENT_TIME_INDEX_ENTRIES,
        CHECKPOINT_LOCAL_NIO,
        EXECUTOR_WARMUP_CLASSES,
        EXECUTOR_PLAN_WARMUP,
        EXECUTOR_STRING_JSON_PARSING,
        RECOVERY_MAX_RETRIES,
        RECOVERY_INITIAL_BACKOFF_MS,
        RECOVERY_MAX_BACKOFF_MS,
        RECOVERY_EPOCH_STALL_TIMEOUT_MS,
        KAFKA_EXACTLY_ONCE,
        DELTA_UPSERT_MAX_KEYS_PER_TASK,
        SHUFFLE_BUFFER_SIZE_BYTES,
        SHUFFLE_MAX_FLUSH_DELAY_MICROS,
        SHUFFLE_CREDITS_PER_CHANNEL,
        SHUFFLE_PRODUCER_QUEUE_BUFFERS,
        SHUFFLE_CONNECT_TIMEOUT_MS,
        SHUFFLE_HEARTBEAT_INTERVAL_MS,
        SHUFFLE_PEER_TIMEOUT_MS,
        SHUFFLE_IO_THREADS,
        SHUFFLE_SUBSCRIBE_WAIT_MS,
        SHUFFLE_PORT,
        SHUFFLE_LOCAL_CHANNELS_ENABLED,
        SHUFFLE_BIND_HOST);
  }
}
