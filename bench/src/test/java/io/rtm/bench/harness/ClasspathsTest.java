package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Flink and Spark child classpaths the build wrote: neither carries the other's engine. */
class ClasspathsTest {
  private static List<String> names(List<Path> entries) {
    return entries.stream().map(p -> p.getFileName().toString()).toList();
  }

  @Test
  void theFlinkClasspathHasFlinkAndItsOwnKafkaClientsAndNoSparkOrScala() {
    List<String> flink = names(Classpaths.flinkRuntime());

    assertThat(flink).anyMatch(n -> n.startsWith("flink-streaming-java-2.0."));
    assertThat(flink).anyMatch(n -> n.startsWith("flink-connector-kafka-4.0."));
    assertThat(flink).noneMatch(n -> n.startsWith("spark-") || n.startsWith("scala-"));
    assertThat(flink).filteredOn(n -> n.startsWith("kafka-clients-")).hasSize(1);
    assertThat(flink).filteredOn(n -> n.startsWith("lz4-java-")).hasSize(1);
    assertThat(flink).filteredOn(n -> n.startsWith("slf4j-api-")).singleElement().asString().startsWith("slf4j-api-2.");
  }

  @Test
  void theSparkClasspathHasNoFlink() {
    assertThat(names(Classpaths.sparkRuntime())).noneMatch(n -> n.startsWith("flink-"))
        .anyMatch(n -> n.startsWith("spark-sql_2.13-"));
  }
}
