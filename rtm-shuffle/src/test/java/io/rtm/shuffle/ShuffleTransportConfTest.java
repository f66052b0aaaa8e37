package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.config.RtmOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShuffleTransportConfTest {

  @Test
  void defaultsMatchTheOptions() {
    ShuffleTransportConf conf = ShuffleTransportConf.defaults();
    assertThat(conf.bufferSizeBytes()).isEqualTo(32768);
    assertThat(conf.maxFlushDelayMicros()).isEqualTo(500);
    assertThat(conf.creditsPerChannel()).isEqualTo(8);
    assertThat(conf.producerQueueBuffers()).isEqualTo(8);
    assertThat(conf.connectTimeoutMs()).isEqualTo(30000);
    assertThat(conf.heartbeatIntervalMs()).isEqualTo(2000);
    assertThat(conf.peerTimeoutMs()).isEqualTo(10000);
    assertThat(conf.ioThreads()).isEqualTo(2);
    assertThat(conf.subscribeWaitMs()).isEqualTo(30000);
    assertThat(conf.port()).isZero();
  }

  @Test
  void fromMapReadsKnownKeysAndIgnoresOthers() {
    ShuffleTransportConf conf =
        ShuffleTransportConf.fromMap(
            Map.of(
                "spark.rtm.shuffle.bufferSizeBytes", "4096",
                "spark.rtm.shuffle.creditsPerChannel", "3",
                "spark.executor.memory", "4g",
                "spark.rtm.somethingElse", "x"));
    assertThat(conf.bufferSizeBytes()).isEqualTo(4096);
    assertThat(conf.creditsPerChannel()).isEqualTo(3);
    assertThat(conf.producerQueueBuffers()).isEqualTo(8);
  }

  @Test
  void badValueNamesKeyAndValue() {
    assertThatThrownBy(
            () -> ShuffleTransportConf.fromMap(Map.of("spark.rtm.shuffle.ioThreads", "two")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.rtm.shuffle.ioThreads")
        .hasMessageContaining("'two'");
  }

  @Test
  void heartbeatMustBeBelowPeerTimeout() {
    assertThatThrownBy(
            () ->
                ShuffleTransportConf.fromMap(
                    Map.of(
                        RtmOptions.SHUFFLE_HEARTBEAT_INTERVAL_MS.key(), "5000",
                        RtmOptions.SHUFFLE_PEER_TIMEOUT_MS.key(), "5000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.rtm.shuffle.heartbeatIntervalMs")
        .hasMessageContaining("'5000'");
  }

  @Test
  void isSerializableAndRoundTripsThroughItsMap() throws Exception {
    ShuffleTransportConf conf = TestSupport.conf("bufferSizeBytes", 1024, "port", 7077);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(conf);
    }
    Object copy =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
    assertThat(copy).isEqualTo(conf);
    assertThat(ShuffleTransportConf.fromMap(conf.toMap())).isEqualTo(conf);
  }
}
