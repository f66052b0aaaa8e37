package io.rtm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.JavaCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The scripts' argfile and the flags child JVMs get must not drift apart. */
class JvmArgsFileTest {
  @Test
  void scriptsUseTheSameJava17FlagsAsChildJvms() throws Exception {
    assertThat(Files.readAllLines(Path.of("spark-jvm.args"))).containsExactlyElementsOf(JavaCommand.SPARK_JAVA17_OPTIONS);
  }
}
