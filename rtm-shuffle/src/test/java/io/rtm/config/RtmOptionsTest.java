package io.rtm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtmOptionsTest {

  @Test
  void allListsEveryDeclaredOptionExactlyOnce() throws Exception {
    List<ConfigOption<?>> declared = new ArrayList<>();
    for (Field f : RtmOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        declared.add((ConfigOption<?>) f.get(null));
      }
    }
    assertThat(RtmOptions.all()).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(RtmOptions.all().stream().map(ConfigOption::key)).doesNotHaveDuplicates();
  }

  @Test
  void everyOptionIsDocumentedAndVersioned() {
    for (ConfigOption<?> o : RtmOptions.all()) {
      assertThat(o.key()).startsWith("spark.");
      assertThat(o.doc()).as(o.key()).isNotBlank().endsWith(".");
      assertThat(o.since()).as(o.key()).isEqualTo("0.1.0");
      assertThat(o.defaultValue()).as(o.key()).isNotNull();
    }
  }

  @Test
  void transportDefaults() {
    assertThat(RtmOptions.SHUFFLE_BUFFER_SIZE_BYTES.defaultValue()).isEqualTo(32768);
    assertThat(RtmOptions.SHUFFLE_MAX_FLUSH_DELAY_MICROS.defaultValue()).isEqualTo(500L);
    assertThat(RtmOptions.SHUFFLE_CREDITS_PER_CHANNEL.defaultValue()).isEqualTo(8);
    assertThat(RtmOptions.SHUFFLE_PRODUCER_QUEUE_BUFFERS.defaultValue()).isEqualTo(8);
    assertThat(RtmOptions.SHUFFLE_CONNECT_TIMEOUT_MS.defaultValue()).isEqualTo(30000);
    assertThat(RtmOptions.SHUFFLE_HEARTBEAT_INTERVAL_MS.defaultValue()).isEqualTo(2000);
    assertThat(RtmOptions.SHUFFLE_PEER_TIMEOUT_MS.defaultValue()).isEqualTo(10000);
    assertThat(RtmOptions.SHUFFLE_IO_THREADS.defaultValue()).isEqualTo(2);
    assertThat(RtmOptions.SHUFFLE_SUBSCRIBE_WAIT_MS.defaultValue()).isEqualTo(30000);
  }

  @Test
  void parseValidatesTypeAndBoundNamingKeyAndValue() {
    ConfigOption<Integer> credits = RtmOptions.SHUFFLE_CREDITS_PER_CHANNEL;
    assertThat(credits.parse(" 12 ")).isEqualTo(12);
    assertThatThrownBy(() -> credits.parse("lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.rtm.shuffle.creditsPerChannel")
        .hasMessageContaining("'lots'");
    assertThatThrownBy(() -> credits.parse("0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0'")
        .hasMessageContaining(">= 1");
  }

  @Test
  void getFallsBackToTheDefault() {
    ConfigOption<Long> delay = RtmOptions.SHUFFLE_MAX_FLUSH_DELAY_MICROS;
    assertThat(delay.get(Map.of())).isEqualTo(500L);
    assertThat(delay.get(Map.of(delay.key(), "0"))).isZero();
  }

  @Test
  void booleanOptionsRejectTypos() {
    ConfigOption<Boolean> flag = ConfigOption.booleanOption("spark.rtm.test.flag", false);
    assertThat(flag.parse("TRUE")).isTrue();
    assertThatThrownBy(() -> flag.parse("ture")).hasMessageContaining("spark.rtm.test.flag");
  }
}
