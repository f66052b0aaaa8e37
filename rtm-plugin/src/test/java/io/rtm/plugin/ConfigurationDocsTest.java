package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.plugin.errors.RtmErrors;
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
        .as("docs/configuration.md is stale: run " + ConfigurationDocs.REGENERATE)
        .isEqualTo(rendered);
  }

  @Test
  void theErrorGuideCoversExactlyTheConditionsOfTheErrorFile() {
    assertThat(ErrorConditionGuide.conditions())
        .containsExactlyInAnyOrderElementsOf(RtmErrors.conditionTemplates().keySet());
  }

  @Test
  void troubleshootingInTuningMdNamesEveryErrorCondition() throws Exception {
    String tuning = Files.readString(Paths.get("..", "docs", "tuning.md"), StandardCharsets.UTF_8);
    int at = tuning.indexOf("## Troubleshooting");
    assertThat(at).as("docs/tuning.md has a Troubleshooting section").isGreaterThanOrEqualTo(0);
    String troubleshooting = tuning.substring(at);
    assertThat(RtmErrors.conditionTemplates().keySet())
        .allSatisfy(c -> assertThat(troubleshooting).as("docs/tuning.md, Troubleshooting").contains("`" + c + "`"));
  }

  @Test
  void everyPluginKeyLivesUnderSparkRtmExceptTheSwitch() {
    io.rtm.config.RtmOptions.all().forEach(o -> assertThat(o.key())
        .satisfiesAnyOf(k -> assertThat(k).startsWith("spark.rtm."),
            k -> assertThat(k).isEqualTo("spark.sql.streaming.realTimeMode.enabled")));
  }
}
