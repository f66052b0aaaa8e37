package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatestPerKeyTest {
  @Test
  void aKeysLaterUpdateReplacesItsValueAndKeepsItsPlace() {
    LatestPerKey<String, Integer> latest = new LatestPerKey<>(10);
    assertThat(latest.put("a", 1)).isTrue();
    assertThat(latest.put("b", 1)).isTrue();
    assertThat(latest.put("a", 2)).isTrue();
    assertThat(latest.put("a", 3)).isTrue();
    assertThat(latest.size()).isEqualTo(2);
    assertThat(latest.values()).containsExactly(3, 1);
  }

  @Test
  void atTheLimitANewKeyIsRefusedButAKnownKeyStillUpdates() {
    LatestPerKey<String, Integer> latest = new LatestPerKey<>(2);
    latest.put("a", 1);
    latest.put("b", 1);
    assertThat(latest.put("c", 1)).isFalse();
    assertThat(latest.put("b", 5)).isTrue();
    assertThat(latest.values()).containsExactly(1, 5);
    latest.clear();
    assertThat(latest.size()).isZero();
    assertThat(latest.put("c", 1)).isTrue();
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new LatestPerKey<String, Integer>(0)).hasMessageContaining("at least 1");
  }
}
