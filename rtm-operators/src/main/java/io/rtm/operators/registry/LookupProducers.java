package io.rtm.operators.registry;

import java.io.Serializable;

/** Executor -> driver: where are the producers of a stage? Sent in {@link RegistryWire} form. */
public record LookupProducers(String queryRunId, int stageId, int expected) implements Serializable {}
