package io.rtm.operators.registry;

import java.io.Serializable;

/**
 * Executor -> driver: where are the producers of a stage? The answer is a
 * {@code ProducerAddresses} once all {@code expected} producers registered, otherwise
 * {@code Boolean.FALSE}.
 */
public record LookupProducers(String queryRunId, int stageId, int expected) implements Serializable {}
