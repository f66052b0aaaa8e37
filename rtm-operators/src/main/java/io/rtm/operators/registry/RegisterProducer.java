package io.rtm.operators.registry;

import java.io.Serializable;

/** Executor -> driver: a producer task's shuffle output is open at host:port. Sent in {@link RegistryWire} form. */
public record RegisterProducer(String queryRunId, int stageId, int mapIndex, String host, int port)
    implements Serializable {}
