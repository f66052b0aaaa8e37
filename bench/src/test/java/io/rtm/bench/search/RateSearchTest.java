package io.rtm.bench.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateSearchTest {
  private static RateSearch of(int start, double factor, int max) {
    return new RateSearch(start, factor, max, Duration.ofSeconds(3), Duration.ofSeconds(8), 1_000_000, 0.1,
        Duration.ofMillis(250));
  }

  @Test
  void theLadderMultipliesByTheFactorUpToTheMaximum() {
    assertThat(of(5_000, 1.5, 40_000).ladder()).containsExactly(5_000, 7_500, 11_250, 16_875, 25_313, 37_969);
    assertThat(of(1_000, 2, 8_000).ladder()).containsExactly(1_000, 2_000, 4_000, 8_000);
    assertThat(of(1_000, 2, 1_000).ladder()).containsExactly(1_000);
  }

  @Test
  void badSettingsFailNamingTheOption() {
    assertThatThrownBy(() -> of(5_000, 1.0, 40_000)).hasMessageContaining("--search-factor");
    assertThatThrownBy(() -> of(5_000, 2, 4_000)).hasMessageContaining("--search-max");
    assertThatThrownBy(() -> new RateSearch(1_000, 2, 8_000, Duration.ofSeconds(1), Duration.ofSeconds(1),
        1, 0.1, Duration.ZERO)).hasMessageContaining("--search-step-s");
  }
}
