package io.rtm.shuffle;

/**
 * A control element broadcast by a producer to all its consumers, in order with its data. Events
 * need no credit, so they can never be held back by a slow consumer behind newer data.
 */
public sealed interface ShuffleEvent permits EpochBarrier, WatermarkAdvance {}
