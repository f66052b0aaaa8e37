/**
 * A pipelined, credit-based shuffle transport between long-lived tasks in different JVMs,
 * modelled on Apache Flink's network stack. Only the JDK and Netty are used.
 *
 * <h2>Roles</h2>
 *
 * <ul>
 *   <li>{@link io.rtm.shuffle.ShuffleServer}: one per executor JVM; serves the partitions of the
 *       map tasks running there.
 *   <li>{@link io.rtm.shuffle.ResultPartition}: a map task's output, one bounded queue per
 *       reducer (subpartition). Records are batched into buffers; a full queue blocks the task
 *       (backpressure).
 *   <li>{@link io.rtm.shuffle.InputGate}: a reduce task's input, one channel per producer, with
 *       epoch barrier alignment across them: a TCP connection to a producer in another JVM, or a
 *       {@code LocalInputChannel} that moves buffers from a producer in this JVM straight into the
 *       gate (same credits, bounds and events, no socket; {@code
 *       spark.rtm.shuffle.localChannels.enabled}).
 * </ul>
 *
 * <h2>Wire protocol</h2>
 *
 * One TCP connection per (consumer, producer) pair in different JVMs. Every frame is {@code int length} (bytes that
 * follow), {@code byte type}, then the type's fields (all big-endian):
 *
 * <pre>
 * SUBSCRIBE        1  int version, int stageId, int mapIndex, int subpartition, int initialCredit,
 *                     int n, n bytes UTF-8 queryRunId                          consumer -&gt; producer
 * DATA             2  long seq, records as (int length, bytes)*                producer -&gt; consumer
 * EVENT            3  long seq, byte kind (1 barrier, 2 watermark), long value producer -&gt; consumer
 * ADD_CREDIT       4  int credit (&gt; 0)                                        consumer -&gt; producer
 * END_OF_PARTITION 5  long seq                                                 producer -&gt; consumer
 * ERROR            6  UTF-8 message                                            either way, then close
 * HEARTBEAT        7  (empty)                                                  either way when idle
 * </pre>
 *
 * <p>Sequence numbers count DATA, EVENT and END_OF_PARTITION frames of a subscription from 0 and
 * are checked by the consumer. The producer sends a DATA frame only while it holds credit (one per
 * buffer); EVENT and END_OF_PARTITION need none but leave the queue in order, never overtaking
 * data. The consumer grants its initial credit in SUBSCRIBE and returns one credit per buffer its
 * task thread finished, sending ADD_CREDIT only when its unannounced credit leaves zero.
 *
 * <h2>Threads</h2>
 *
 * Each JVM has one Netty event loop group ({@code spark.rtm.shuffle.ioThreads} daemon threads) and
 * one flusher thread that sends batches older than {@code spark.rtm.shuffle.maxFlushDelayMicros}.
 * Task threads call the public API; failures seen by the event loop are handed to them and thrown
 * as {@link io.rtm.shuffle.ShuffleException} from their next call.
 */
package io.rtm.shuffle;
