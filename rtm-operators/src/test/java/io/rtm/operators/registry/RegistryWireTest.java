package io.rtm.operators.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.shuffle.ProducerAddress;
import org.junit.jupiter.api.Test;

class RegistryWireTest {
  @Test
  void registrationsAndLookupsTravelAsPlainStrings() {
    Object wire = RegistryWire.encode(new RegisterProducer("run-1", 2, 3, "127.0.0.1", 4567));
    assertThat(wire).isInstanceOf(String.class);
    assertThat(RegistryWire.decode(wire)).isEqualTo(new RegisterProducer("run-1", 2, 3, "127.0.0.1", 4567));
    assertThat(RegistryWire.decode(RegistryWire.encode(new LookupProducers("run-1", 2, 4))))
        .isEqualTo(new LookupProducers("run-1", 2, 4));
  }

  @Test
  void theDriverAnswersWithEveryProducerOrNothingYet() {
    ProducerRegistry registry = new ProducerRegistry();
    LookupProducers lookup = new LookupProducers("run", 0, 2);
    registry.register(new RegisterProducer("run", 0, 1, "h1", 1001));
    assertThat(RegistryWire.decodeProducers(RegistryWire.encodeProducers(registry.lookup(lookup)))).isNull();
    registry.register(new RegisterProducer("run", 0, 0, "h0", 1000));
    assertThat(RegistryWire.decodeProducers(RegistryWire.encodeProducers(registry.lookup(lookup))))
        .containsExactly(new ProducerAddress(0, "h0", 1000), new ProducerAddress(1, "h1", 1001));
    registry.forget("run");
    assertThat(registry.lookup(lookup)).isNull();
  }

  @Test
  void anythingElseIsRejectedByName() {
    assertThatThrownBy(() -> RegistryWire.decode(42)).hasMessageContaining("Unknown real-time mode plugin message");
    assertThatThrownBy(() -> RegistryWire.decode("rtm.bogus")).hasMessageContaining("rtm.bogus");
  }
}
