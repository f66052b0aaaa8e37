package io.rtm.plugin;

import io.rtm.config.ConfigOption;
import io.rtm.config.RtmOptions;
import io.rtm.plugin.errors.RtmErrors;
import java.util.Map;

/** Renders docs/configuration.md from the option declarations and the error conditions. */
public final class ConfigurationDocs {
  /** The command that rewrites docs/configuration.md; printed in it and in the test's failure. */
  public static final String REGENERATE = "mvn -B -ntp -pl rtm-plugin -am test -Dtest=ConfigurationDocsTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Drtm.docs.update=true";

  private ConfigurationDocs() {}

  public static String render() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration\n\n")
        .append("Generated from `io.rtm.config.RtmOptions` and `error-conditions.json` by ")
        .append("`ConfigurationDocsTest`; do not edit by hand (run ")
        .append("`").append(REGENERATE).append("`).\n\n")
        .append("Set keys like any Spark conf: `spark-defaults.conf`, `--conf`, or ")
        .append("`spark.conf.set(...)` before `start()`. Per-query keys are read when a query run starts.\n\n")
        .append("| key | default | since | meaning |\n|---|---|---|---|\n");
    for (ConfigOption<?> option : RtmOptions.all()) {
      String constraint = option.constraintDescription();
      md.append("| `").append(option.key()).append("` | `").append(option.defaultValue()).append("` | ")
          .append(option.since()).append(" | ").append(escape(option.doc()))
          .append(constraint == null || constraint.isEmpty() ? "" : " (" + escape(constraint) + ")")
          .append(" |\n");
    }
    md.append("\n# Error conditions\n\n")
        .append("Every error the engine raises carries one of these conditions and its SQLSTATE ")
        .append("(`SparkThrowable.getCondition()`, `getSqlState()`): when it is raised, what to do, and the ")
        .append("message (placeholders in angle brackets).\n\n")
        .append("| condition | SQLSTATE | raised | what to do | message |\n|---|---|---|---|---|\n");
    for (Map.Entry<String, String> e : RtmErrors.conditionTemplates().entrySet()) {
      ErrorConditionGuide.Entry guide = ErrorConditionGuide.of(e.getKey());
      if (guide == null) {
        throw new IllegalStateException(e.getKey() + " has no entry in ErrorConditionGuide (when it is raised, what to do)");
      }
      md.append("| `").append(e.getKey()).append("` | ").append(RtmErrors.sqlState(e.getKey())).append(" | ")
          .append(escape(guide.raisedWhen())).append(" | ").append(escape(guide.whatToDo())).append(" | ")
          .append(escape(e.getValue())).append(" |\n");
    }
    return md.toString();
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
  }
}
