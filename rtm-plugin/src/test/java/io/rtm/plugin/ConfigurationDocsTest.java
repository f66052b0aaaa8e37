package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Fails when docs/configuration.md no longer matches the declared options and error conditions. */
class ConfigurationDocsTest {
  private static final Path DOC = Paths.get("..", "docs", "configuration.md");

  @Test
  void configurationReferenceIsUpToDate() throws Exception {
    String rendered = ConfigurationDocs.render();
    if (Boolean.getBoolean("rtm.docs.update")) {
      Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOC)).as("%s exists; create it with -Drtm.docs.update=true", DOC).isTrue();
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as("docs/configuration.md is stale: run mvn -pl rtm-plugin -am test -Drtm.docs.update=true")
        .isEqualTo(rendered);
  }

  @Test
  void everyPluginKeyLivesUnderSparkRtmExceptTheSwitch() {
    io.rtm.config.RtmOptions.all().forEach(o -> assertThat(o.key())
        .satisfiesAnyOf(k -> assertThat(k).startsWith("spark.rtm."),
            k -> assertThat(k).isEqualTo("spark.sql.streaming.realTimeMode.enabled")));
  }
}
