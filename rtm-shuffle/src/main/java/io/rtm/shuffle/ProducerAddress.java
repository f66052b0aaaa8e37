package io.rtm.shuffle;

import java.util.Objects;

/** Where the shuffle server hosting map task {@code mapIndex}'s partition listens. */
// Serializable: producer addresses travel from the driver to consumer tasks in plugin RPC replies.
public record ProducerAddress(int mapIndex, String host, int port) implements java.io.Serializable {
  public ProducerAddress {
    Objects.requireNonNull(host, "host");
    if (mapIndex < 0) {
      throw new IllegalArgumentException("mapIndex must be >= 0, got " + mapIndex);
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}
