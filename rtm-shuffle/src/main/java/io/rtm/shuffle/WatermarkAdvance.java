package io.rtm.shuffle;

/** The producer's event-time watermark moved to {@code timestampMs} (epoch millis). */
public record WatermarkAdvance(long timestampMs) implements ShuffleEvent {}
