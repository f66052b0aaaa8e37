package io.rtm.shuffle;

/**
 * A point-in-time snapshot of one {@link ResultPartition} or {@link InputGate}.
 *
 * @param records records emitted (producer) or returned by {@code next()} (consumer)
 * @param recordBytes payload bytes of those records, excluding framing
 * @param buffers data buffers written to the network (producer) or fully consumed (consumer)
 * @param events events broadcast (producer, counted once per subpartition) or received (consumer)
 * @param blockedNanos time the task thread spent blocked: in backpressure (producer) or waiting
 *     for input (consumer)
 * @param queuedBuffers data buffers queued right now, summed over subpartitions or channels
 * @param peakQueuedBuffers the most data buffers ever queued in any single subpartition or channel;
 *     never exceeds producerQueueBuffers or creditsPerChannel respectively
 */
public record ShuffleMetrics(
    long records,
    long recordBytes,
    long buffers,
    long events,
    long blockedNanos,
    int queuedBuffers,
    int peakQueuedBuffers) {}
