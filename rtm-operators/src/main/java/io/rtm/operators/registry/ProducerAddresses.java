package io.rtm.operators.registry;

import io.rtm.shuffle.ProducerAddress;
import java.io.Serializable;
import java.util.List;

/** Driver -> executor: every producer of a stage, by map index. */
public record ProducerAddresses(List<ProducerAddress> producers) implements Serializable {}
