package io.rtm.shuffle;

import io.rtm.config.RtmOptions;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shuffle transport's typed, validated view of the {@code spark.rtm.shuffle.*} options.
 *
 * <p>Serializable because the driver builds it once and ships it to every task; it holds only
 * primitives so the serialized form is tiny and stable.
 */
public final class ShuffleTransportConf implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final ShuffleTransportConf DEFAULTS = fromMap(Map.of());

  private final int bufferSizeBytes;
  private final long maxFlushDelayMicros;
  private final int creditsPerChannel;
  private final int producerQueueBuffers;
  private final int connectTimeoutMs;
  private final int heartbeatIntervalMs;
  private final int peerTimeoutMs;
  private final int ioThreads;
  private final int subscribeWaitMs;
  private final int port;
  private final boolean localChannelsEnabled;

  private ShuffleTransportConf(Map<String, String> conf) {
    bufferSizeBytes = RtmOptions.SHUFFLE_BUFFER_SIZE_BYTES.get(conf);
    maxFlushDelayMicros = RtmOptions.SHUFFLE_MAX_FLUSH_DELAY_MICROS.get(conf);
    creditsPerChannel = RtmOptions.SHUFFLE_CREDITS_PER_CHANNEL.get(conf);
    producerQueueBuffers = RtmOptions.SHUFFLE_PRODUCER_QUEUE_BUFFERS.get(conf);
    connectTimeoutMs = RtmOptions.SHUFFLE_CONNECT_TIMEOUT_MS.get(conf);
    heartbeatIntervalMs = RtmOptions.SHUFFLE_HEARTBEAT_INTERVAL_MS.get(conf);
    peerTimeoutMs = RtmOptions.SHUFFLE_PEER_TIMEOUT_MS.get(conf);
    ioThreads = RtmOptions.SHUFFLE_IO_THREADS.get(conf);
    subscribeWaitMs = RtmOptions.SHUFFLE_SUBSCRIBE_WAIT_MS.get(conf);
    port = RtmOptions.SHUFFLE_PORT.get(conf);
    localChannelsEnabled = RtmOptions.SHUFFLE_LOCAL_CHANNELS_ENABLED.get(conf);
    if (port > 65535) {
      throw new IllegalArgumentException(
          "Invalid value '" + port + "' for " + RtmOptions.SHUFFLE_PORT.key()
              + ": expected a TCP port in [0, 65535]");
    }
    // A heartbeat interval at or above the timeout would declare healthy idle peers dead.
    if (heartbeatIntervalMs >= peerTimeoutMs) {
      throw new IllegalArgumentException(
          "Invalid value '" + heartbeatIntervalMs + "' for "
              + RtmOptions.SHUFFLE_HEARTBEAT_INTERVAL_MS.key() + ": must be below "
              + RtmOptions.SHUFFLE_PEER_TIMEOUT_MS.key() + " (" + peerTimeoutMs + ")");
    }
  }

  /**
   * Reads the transport options from a flat key/value map (e.g. SparkConf.getAll); keys this
   * transport does not know are ignored.
   *
   * @throws IllegalArgumentException naming the key and value when a value is malformed
   */
  public static ShuffleTransportConf fromMap(Map<String, String> conf) {
    return new ShuffleTransportConf(conf);
  }

  public static ShuffleTransportConf defaults() {
    return DEFAULTS;
  }

  public int bufferSizeBytes() {
    return bufferSizeBytes;
  }

  public long maxFlushDelayMicros() {
    return maxFlushDelayMicros;
  }

  public int creditsPerChannel() {
    return creditsPerChannel;
  }

  public int producerQueueBuffers() {
    return producerQueueBuffers;
  }

  public int connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public int heartbeatIntervalMs() {
    return heartbeatIntervalMs;
  }

  public int peerTimeoutMs() {
    return peerTimeoutMs;
  }

  public int ioThreads() {
    return ioThreads;
  }

  public int subscribeWaitMs() {
    return subscribeWaitMs;
  }

  /** Port for {@link ShuffleServer#start}; 0 means ephemeral. */
  public int port() {
    return port;
  }

  /** Whether a consumer reads a producer in its own JVM without a socket. */
  public boolean localChannelsEnabled() {
    return localChannelsEnabled;
  }

  /** The effective values keyed by option key; handy for logging and for rebuilding a conf. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(RtmOptions.SHUFFLE_BUFFER_SIZE_BYTES.key(), Integer.toString(bufferSizeBytes));
    m.put(RtmOptions.SHUFFLE_MAX_FLUSH_DELAY_MICROS.key(), Long.toString(maxFlushDelayMicros));
    m.put(RtmOptions.SHUFFLE_CREDITS_PER_CHANNEL.key(), Integer.toString(creditsPerChannel));
    m.put(RtmOptions.SHUFFLE_PRODUCER_QUEUE_BUFFERS.key(), Integer.toString(producerQueueBuffers));
    m.put(RtmOptions.SHUFFLE_CONNECT_TIMEOUT_MS.key(), Integer.toString(connectTimeoutMs));
    m.put(RtmOptions.SHUFFLE_HEARTBEAT_INTERVAL_MS.key(), Integer.toString(heartbeatIntervalMs));
    m.put(RtmOptions.SHUFFLE_PEER_TIMEOUT_MS.key(), Integer.toString(peerTimeoutMs));
    m.put(RtmOptions.SHUFFLE_IO_THREADS.key(), Integer.toString(ioThreads));
    m.put(RtmOptions.SHUFFLE_SUBSCRIBE_WAIT_MS.key(), Integer.toString(subscribeWaitMs));
    m.put(RtmOptions.SHUFFLE_PORT.key(), Integer.toString(port));
    m.put(
        RtmOptions.SHUFFLE_LOCAL_CHANNELS_ENABLED.key(), Boolean.toString(localChannelsEnabled));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShuffleTransportConf other && toMap().equals(other.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "ShuffleTransportConf" + toMap();
  }
}
