package io.rtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rtm.it.DocCommands.DocCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * "Every command in the docs is run by a test or by CI", as a test. {@link #COMMANDS} lists every
 * shell command of README.md, docs/*.md, python/README.md and notebooks/README.md (found by
 * {@link DocCommands}) with what runs it:
 *
 * <ul>
 *   <li>{@code ranBy}: the CI step or test that runs it, each with a string that file must contain
 *       (the command itself, or the test's output line the doc quotes), checked here;
 *   <li>{@code check}: what this class runs of it, as written where that is cheap (the venv's
 *       set-up, {@code ipykernel install} into a scratch HOME, the jar-list one-liner, a pytest
 *       selection), else its cheap form: {@code --plan} for the benchmark's and the demo's
 *       measurements (the script, its flags and the runs they select, measuring nothing),
 *       {@code --verbose --version} for spark-submit (the properties file and the jars as
 *       spark-submit reads them), the form of a single-IT Maven command and the IT it names.
 * </ul>
 *
 * A command in the docs that is not listed fails the build, and so does a listed one the docs no
 * longer have. No Spark session or broker is started here (about 30 s, mostly JVM starts).
 */
class DocsCommandsIT {
  private static final String SINGLE_IT_MVN = "mvn -B -ntp verify -pl (it-tests|bench) -am -Dtest=NONE "
      + "-Dsurefire.failIfNoSpecifiedTests=false( -Dfailsafe.failIfNoSpecifiedTests=false)? -Dit.test=(\\w+)";

  /** A file (relative to the repository root) that runs the command, and a string proving it. */
  record RanBy(String file, String contains) {}

  /** What runs one documented command. */
  record Entry(String command, List<RanBy> ranBy, Check check, String note) {}

  @FunctionalInterface
  interface Check {
    void run(String command) throws Exception;
  }

  private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

  private static Path root;

  static {
    RanBy runTestsMvn = new RanBy("run-tests.sh", "mvn -B -ntp verify \"$@\"");
    // README.md
    add("spark-submit --jars rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar --properties-file "
        + "spark-conf/spark-defaults.conf your-app.jar",
        List.of(new RanBy("it-tests/src/test/java/io/rtm/it/SparkSubmitIT.java", "spark-conf/spark-defaults.conf")),
        DocsCommandsIT::sparkSubmitReadsTheDefaults,
        "SparkSubmitIT runs it with the fraud application as your-app.jar (and the Kafka connector jars)");
    add("./demo.sh", List.of(new RanBy("run-tests.sh", "RTM_SKIP_BUILD=1 ./demo.sh --seconds 20 --warmup-s 5 --pause-output-s 5")),
        DocsCommandsIT::demoPlan, "run-tests.sh runs it for 20 s on the build it made, its output broker frozen for 5 s");
    add("mvn -B -ntp verify", List.of(runTestsMvn), null, "run-tests.sh runs it (with no arguments in CI)");
    add("./run-tests.sh", List.of(new RanBy(".ci/run", "exec ./run-tests.sh")), null, "the CI entry point runs it");
    add(".ci/run", List.of(new RanBy(".ci/run", "exec ./run-tests.sh")), null, "CI itself");
    // docs/benchmarks.md
    for (String flags : List.of("", " --quick", " --workloads stateless,aggregation --modes plugin-100ms,flink-100ms --rates 10000",
        " --search-rate --workloads stateless --modes plugin-100ms,microbatch,flink-100ms --warmup-s 20")) {
      add("bench/run-benchmark.sh" + flags, List.of(), DocsCommandsIT::benchmarkPlan,
          "--plan here; measured: the quick plan by BenchmarkQuickIT, full runs by hand");
    }
    for (String flags : List.of(
        " --quick",
        " --workloads shuffle --modes plugin-100ms,flink-100ms --plan",
        " --workloads stateless,shuffle --modes relay,plugin-100ms,realtime,microbatch,flink-100ms --rates 10000 --warmup-s 20 --window-s 10",
        " --workloads aggregation,fraud,join --modes plugin-100ms,microbatch,flink-100ms --rates 10000 --warmup-s 20 --window-s 10",
        " --workloads stateless,aggregation --modes plugin-100ms,flink-100ms --rates 10000 --warmup-s 20",
        " --workloads shuffle,fraud,fraud-final --modes plugin-100ms,flink-100ms --rates 10000 --warmup-s 20",
        " --workloads stateless --modes plugin-1s,flink-1s --rates 10000 --warmup-s 20",
        " --search-rate --workloads stateless --modes plugin-100ms,microbatch,flink-100ms --warmup-s 20",
        " --workloads aggregation --modes plugin-100ms,microbatch --rates 10000 --warmup-s 45 --window-s 20",
        " --workloads aggregation,fraud --modes plugin-100ms,microbatch --rates 10000 --warmup-s 45 --window-s 20",
        " --search-rate --workloads aggregation --modes plugin-100ms,microbatch --warmup-s 20",
        " --search-rate --workloads aggregation,fraud-final --modes plugin-100ms,microbatch --warmup-s 20 --search-p99-ms 5000",
        " --search-rate --workloads stateless,aggregation --modes plugin-100ms,flink-100ms --warmup-s 20",
        " --quick --workloads stateless,aggregation --modes plugin-100ms,plugin-eos-100ms",
        " --workloads stateless,aggregation --modes plugin-100ms,plugin-eos-100ms,plugin-1s,plugin-eos-1s --rates 10000 --warmup-s 30 --window-s 20",
        " --workloads stateless,aggregation --modes plugin-100ms,plugin-eos-100ms,plugin-1s,plugin-eos-1s --rates 1000 --warmup-s 30 --window-s 20",
        " --workloads stateless,aggregation --modes plugin-100ms,plugin-eos-100ms --rates 1000 --warmup-s 60 --window-s 20",
        " --workloads stateless,aggregation --modes plugin-100ms,plugin-eos-100ms --rates 1000,10000 --warmup-s 30 --window-s 20",
        " --workloads stateless,aggregation --modes plugin-eos-100ms --rates 1000,10000 --warmup-s 30 --window-s 20",
        " --workloads aggregation,fraud,join --modes plugin-100ms,microbatch,flink-100ms --rates 10000 --warmup-s 30 --window-s 20",
        " --workloads stateless,shuffle --modes relay,plugin-100ms,realtime,microbatch,flink-100ms --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --workloads aggregation,fraud --modes plugin-100ms,microbatch --rates 10000 --warmup-s 60 --warmup-ramp-s 30 --window-s 20",
        " --workloads aggregation --modes plugin-100ms,microbatch --rates 10000 --warmup-s 60 --warmup-ramp-s 30 --window-s 20",
        " --workloads aggregation --modes plugin-100ms,microbatch --rates 10000 --warmup-s 120 --warmup-ramp-s 90 --window-s 20",
        " --workloads aggregation --modes plugin-1s,plugin-10s --rates 10000 --warmup-s 60 --warmup-ramp-s 30 --window-s 20",
        " --workloads aggregation --modes plugin-10s,plugin-1s,microbatch --rates 10000 --warmup-s 60 --warmup-ramp-s 30 --window-s 20",
        " --workloads stateless --modes plugin-100ms,plugin-1s,realtime,relay --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless --modes relay,plugin-100ms,realtime --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless --modes relay,plugin-100ms,plugin-10s,realtime,microbatch --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --workloads aggregation --modes plugin-100ms,plugin-1s,microbatch --rates 10000 --warmup-s 90 --warmup-ramp-s 60 --window-s 20",
        " --workloads aggregation --modes plugin-100ms,microbatch --rates 10000 --warmup-s 90 --warmup-ramp-s 60 --window-s 20",
        " --workloads stateless --modes plugin-100ms,plugin-10s --rates 5000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --search-rate --workloads aggregation --modes plugin-100ms --warmup-s 20",
        " --workloads stateless --modes relay,plugin-100ms,plugin-10s,realtime --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless --modes plugin-100ms,plugin-10s,realtime --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless --modes plugin-100ms,realtime --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless --modes relay,plugin-100ms,realtime --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 20",
        " --workloads aggregation --modes plugin-100ms,microbatch --rates 10000 --warmup-s 150 --warmup-ramp-s 60 --window-s 20",
        " --workloads aggregation --modes plugin-100ms,plugin-tcp-100ms,microbatch --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless,aggregation --modes relay,plugin-100ms,realtime,microbatch --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 20",
        " --search-rate --workloads aggregation --modes plugin-100ms,microbatch --warmup-s 20 --search-p99-ms 5000",
        " --search-rate --workloads aggregation --modes plugin-100ms,microbatch --warmup-s 150 --search-p99-ms 5000",
        " --workloads stateless --modes plugin-100ms --rates 10000 --warmup-s 90 --warmup-ramp-s 20 --window-s 20",
        " --workloads stateless --modes relay,plugin-100ms,realtime --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 60",
        " --workloads aggregation --modes plugin-100ms,microbatch --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 20",
        " --workloads aggregation,fraud --modes plugin-100ms,microbatch --rates 10000 --warmup-s 150 --warmup-ramp-s 20 --window-s 20",
        " --search-rate --workloads aggregation --modes plugin-100ms,microbatch --warmup-s 150 --search-start 10000"
            + " --search-factor 1.2 --search-p99-ms 5000")) {
      add("RTM_SKIP_BUILD=1 bench/run-benchmark.sh" + flags, List.of(), DocsCommandsIT::benchmarkPlan,
          "--plan here; measured by hand (docs/benchmarks.md says so)");
    }
    add("RTM_SKIP_BUILD=1 JAVA_TOOL_OPTIONS=\"-Dspark.rtm.state.flushAheadEpochs=0\" bench/run-benchmark.sh"
        + " --workloads aggregation --modes plugin-100ms --rates 10000 --warmup-s 45 --window-s 20", List.of(),
        DocsCommandsIT::benchmarkPlan, "--plan here (the option reaches the mode's JVM); measured by hand");
    add("RTM_SKIP_BUILD=1 JAVA_TOOL_OPTIONS=\"-Dspark.rtm.source.epochPollIntervalMs=50\" bench/run-benchmark.sh"
        + " --workloads stateless --modes plugin-100ms --rates 5000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20", List.of(),
        DocsCommandsIT::benchmarkPlan, "--plan here (the option reaches the mode's JVM); measured by hand");
    for (String poll : List.of("50", "2")) {
      add("RTM_SKIP_BUILD=1 JAVA_TOOL_OPTIONS=\"-Dspark.rtm.source.epochPollIntervalMs=" + poll + "\" bench/run-benchmark.sh"
          + " --workloads stateless --modes plugin-100ms --rates 10000 --warmup-s 40 --warmup-ramp-s 20 --window-s 20", List.of(),
          DocsCommandsIT::benchmarkPlan, "--plan here (the option reaches the mode's JVM); measured by hand");
    }
    add("./demo.sh --seconds 40 --warmup-s 20", List.of(), DocsCommandsIT::demoPlan,
        "--plan here; the steady-state measurement by hand");
    add("./demo.sh --seconds 190 --warmup-s 150", List.of(), DocsCommandsIT::demoPlan,
        "--plan here; the measurement after the JIT settled, by hand");
    add("mvn -B -ntp verify -pl bench -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BenchmarkQuickIT",
        List.of(runTestsMvn, new RanBy("bench/src/test/java/io/rtm/bench/BenchmarkQuickIT.java", "Plan.quickPlan()")),
        DocsCommandsIT::singleItCommand, "CI runs BenchmarkQuickIT within mvn verify; this selects it alone");
    for (String jmh : List.of("bench/run-jmh.sh -l",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh ShuffleLatencyBenchmark",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh BarrierAlignmentBenchmark",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh GateRecordPathBenchmark",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh DirectoryDeleteBenchmark",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh JsonParsingBenchmark -prof gc -f 1 -wi 3 -i 5 -w 2 -r 2",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh ShuffleThroughputBenchmark -p recordBytes=200",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh ShuffleLatencyBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh ShuffleLatencyBenchmark -p flushDelay=0 -f 1 -wi 2 -i 3 -w 1 -r 1",
        "RTM_SKIP_BUILD=1 bench/run-jmh.sh ShuffleThroughputBenchmark -p recordBytes=200 -f 1 -wi 2 -i 3 -w 1 -r 1")) {
      add(jmh, List.of(), DocsCommandsIT::jmhListsTheBenchmark,
          "-l here on the build mvn verify made (the benchmark is listed); measured by hand");
    }
    // docs/configuration.md (generated)
    add("mvn -B -ntp -pl rtm-plugin -am test -Dtest=ConfigurationDocsTest -Dsurefire.failIfNoSpecifiedTests=false "
        + "-Drtm.docs.update=true",
        List.of(runTestsMvn, new RanBy("rtm-plugin/src/test/java/io/rtm/plugin/ConfigurationDocsTest.java", "rtm.docs.update")),
        null, "CI runs ConfigurationDocsTest without -Drtm.docs.update: it compares instead of writing");
    // docs/guarantees.md
    Map<String, String> printed = Map.of("RecoveryIT", "RECOVERY local task failure:",
        "ClusterChaosIT", "RECOVERY standalone worker kill -9 (", "ExactlyOnceKafkaIT", "EXACTLY-ONCE kafka:",
        "StoppedSinkIT", "STOPPED SINK %d s:");
    for (String it : List.of("RecoveryIT", "ClusterChaosIT", "ExactlyOnceKafkaIT", "StoppedSinkIT")) {
      add("mvn -B -ntp verify -pl it-tests -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false "
          + "-Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=" + it,
          List.of(runTestsMvn, new RanBy("it-tests/src/test/java/io/rtm/it/" + it + ".java", printed.get(it))),
          DocsCommandsIT::singleItCommand, "CI runs " + it + " within mvn verify; this selects it alone");
    }
    add("./demo.sh --seconds 140 --pause-output-s 60", List.of(), DocsCommandsIT::demoPlan,
        "--plan here; the 60 s measurement by hand; its short form below runs in CI");
    add("RTM_SKIP_BUILD=1 ./demo.sh --seconds 20 --warmup-s 5 --pause-output-s 5",
        List.of(new RanBy("run-tests.sh", "RTM_SKIP_BUILD=1 ./demo.sh --seconds 20 --warmup-s 5 --pause-output-s 5")),
        DocsCommandsIT::demoPlan, "run-tests.sh runs it as written");
    // python/README.md
    add("python/run-python-tests.sh", List.of(new RanBy("run-tests.sh", "exec python/run-python-tests.sh")), null,
        "run-tests.sh runs it last");
    add("python/run-python-tests.sh --setup-only", List.of(new RanBy("run-tests.sh", "python/run-python-tests.sh --setup-only")),
        DocsCommandsIT::venvSetUp, "run-tests.sh runs it first, in the background; run here too");
    add("python/run-python-tests.sh --no-notebooks -- -k templates", List.of(), DocsCommandsIT::pytestSelection,
        "run here as written");
    add("export SPARK_LOCAL_IP=127.0.0.1",
        List.of(new RanBy("it-tests/src/test/java/io/rtm/it/SparkSubmitIT.java", "env.put(\"SPARK_LOCAL_IP\", \"127.0.0.1\")")),
        null, "SparkSubmitIT sets it for every spark-submit");
    add("source python/.venv/bin/activate", List.of(), DocsCommandsIT::venvActivation, "run here as written");
    add("spark-submit --properties-file spark-conf/local.conf "
        + "--jars rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar,<Kafka connector jars> python/apps/fraud_alert_app.py "
        + "--bootstrap 127.0.0.1:9092 --input payments --output fraud-counts --checkpoint /tmp/fraud-cp",
        List.of(new RanBy("it-tests/src/test/java/io/rtm/it/SparkSubmitIT.java", "python/apps/fraud_alert_app.py"),
            new RanBy("it-tests/src/test/java/io/rtm/it/SparkSubmitIT.java", "spark-conf/local.conf")),
        DocsCommandsIT::pythonSparkSubmit,
        "SparkSubmitIT runs it against its own broker and topics; here: local.conf as spark-submit reads it and the app's flags");
    add("(cd python && .venv/bin/python -c 'from rtm_testkit import paths; print(paths.spark_jars_csv())')", List.of(),
        DocsCommandsIT::jarListOneLiner, "run here as written");
    // notebooks/README.md
    add("python/.venv/bin/python -m ipykernel install --user --name rtm", List.of(), DocsCommandsIT::ipykernelInstall,
        "run here as written, with HOME in a scratch folder");
    add("python/.venv/bin/python notebooks/run_notebooks.py",
        List.of(new RanBy("python/run-python-tests.sh", "\"$VENV/bin/python\" ../notebooks/run_notebooks.py")), null,
        "run-python-tests.sh runs it (the same script from python/)");
    add("python/.venv/bin/python notebooks/run_notebooks.py --full",
        List.of(new RanBy("python/run-python-tests.sh", "\"$VENV/bin/python\" ../notebooks/run_notebooks.py"),
            new RanBy("notebooks/run_notebooks.py", "parser.add_argument(\"--full\", action=\"store_true\", help=\"SHORT_RUN = False\")")),
        null, "CI runs the same notebooks with SHORT_RUN = True; --full only flips it and is run by hand (notebooks/README.md says so)");
  }

  private static void add(String command, List<RanBy> ranBy, Check check, String note) {
    String key = DocCommands.normalize(command);
    if (COMMANDS.put(key, new Entry(key, ranBy, check, note)) != null) {
      throw new IllegalStateException("listed twice: " + key);
    }
  }

  @BeforeAll
  static void findRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("run-tests.sh")) && Files.isDirectory(d.resolve("docs"))) {
        root = d;
        return;
      }
    }
    throw new IllegalStateException("no run-tests.sh and docs/ above " + Path.of("").toAbsolutePath());
  }

  @Test
  void everyCommandInTheDocsIsListedWithWhatRunsIt() {
    List<String> unlisted = DocCommands.in(root).stream()
        .filter(c -> !COMMANDS.containsKey(c.command()))
        .map(c -> c.file() + ": " + c.command()).distinct().toList();
    assertThat(unlisted).as("commands in the docs that no test or CI step runs: make one run them (and list them "
        + "in DocsCommandsIT.COMMANDS with what runs them) or change the docs").isEmpty();
  }

  @Test
  void everyListedCommandIsStillInTheDocs() {
    Set<String> inDocs = DocCommands.in(root).stream().map(DocCommand::command).collect(Collectors.toSet());
    assertThat(COMMANDS.keySet()).as("listed in DocsCommandsIT but gone from the docs").allMatch(inDocs::contains);
  }

  @Test
  void everyListedCommandIsRunBySomethingNamed() {
    assertThat(COMMANDS.values()).allSatisfy(e ->
        assertThat(!e.ranBy().isEmpty() || e.check() != null).as("%s: neither a CI step nor a check", e.command()).isTrue());
  }

  @Test
  void everyNamedStepOrTestContainsWhatItRuns() throws IOException {
    for (Entry e : COMMANDS.values()) {
      for (RanBy by : e.ranBy()) {
        Path file = root.resolve(by.file());
        assertThat(file).as("%s is run by %s", e.command(), by.file()).isRegularFile();
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).as("%s, said to run: %s", by.file(), e.command())
            .contains(by.contains());
      }
    }
  }

  @Test
  void theExtractorFindsBlockIndentedAndInlineCommandsAndSkipsProgramCode() {
    String md = String.join("\n",
        "Run `./demo.sh --seconds 15` or read `spark-submit` and `spark.rtm.shuffle.port`.",
        "",
        "```java",
        "spark.readStream();",
        "```",
        "",
        "```",
        "mvn -B verify \\",
        "  -pl it-tests   # one module",
        "# a comment",
        "```",
        "",
        "    bench/run-benchmark.sh --quick   # quick",
        "");
    assertThat(DocCommands.parse("x.md", md)).extracting(DocCommand::command)
        .containsExactly("./demo.sh --seconds 15", "mvn -B verify -pl it-tests", "bench/run-benchmark.sh --quick");
  }

  @Test
  void theKubernetesTemplateShipsTheJarsTheBuildResolves() throws IOException {
    // No Kubernetes cluster in CI: at least the image's jar list must name the versions a build uses.
    String conf = Files.readString(root.resolve("spark-conf/kubernetes.conf"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?m)^spark\\.jars\\s+(\\S+)$").matcher(conf);
    assertThat(m.find()).as("spark.jars in spark-conf/kubernetes.conf").isTrue();
    List<String> listed = Arrays.stream(m.group(1).split(",")).map(u -> u.substring(u.lastIndexOf('/') + 1)).toList();
    List<String> expected = new ArrayList<>();
    expected.add(Sessions.pluginJar().getFileName().toString());
    for (Path p : io.rtm.bench.harness.Classpaths.sparkRuntime()) {
      String name = p.getFileName().toString();
      if (name.startsWith("spark-sql-kafka-0-10_") || name.startsWith("spark-token-provider-kafka-0-10_")
          || name.startsWith("kafka-clients-") || name.startsWith("commons-pool2-")) {
        expected.add(name);
      }
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
  }

  @TestFactory
  Stream<DynamicTest> theListedChecksRun() {
    return COMMANDS.values().stream().filter(e -> e.check() != null)
        .map(e -> DynamicTest.dynamicTest(e.command(), () -> e.check().run(e.command())));
  }

  // --- the checks ---

  private static void benchmarkPlan(String command) throws Exception {
    String c = (command.startsWith("RTM_SKIP_BUILD=1 ") ? command : "RTM_SKIP_BUILD=1 " + command);
    Result r = shell(c.endsWith(" --plan") ? c : c + " --plan", Map.of());
    assertThat(r.exit()).as("%s --plan:%n%s", command, r.output()).isZero();
    Matcher m = Pattern.compile("(?m)^plan: (\\d+) runs").matcher(r.output());
    assertThat(m.find()).as("%s --plan prints its runs:%n%s", command, r.output()).isTrue();
    int runs = Integer.parseInt(m.group(1));
    if (command.endsWith(" --quick")) {
      assertThat(runs).as("--quick selects the 9 runs of BenchmarkQuickIT").isEqualTo(9);
    } else {
      assertThat(runs).isPositive();
    }
  }

  /** JMH's -l on the compiled benchmarks: the script runs and the benchmark the command names exists. */
  private static void jmhListsTheBenchmark(String command) throws Exception {
    Matcher m = Pattern.compile("^(?:RTM_SKIP_BUILD=1 )?bench/run-jmh\\.sh (?:-l|(\\w+Benchmark)(?: .*)?)$").matcher(command);
    assertThat(m.matches()).as("%s: bench/run-jmh.sh -l or bench/run-jmh.sh <Name>Benchmark [JMH options]", command).isTrue();
    String name = m.group(1);
    Result r = shell("RTM_SKIP_BUILD=1 bench/run-jmh.sh -l" + (name == null ? "" : " " + name), Map.of());
    assertThat(r.exit()).as("%s -l:%n%s", command, r.output()).isZero();
    assertThat(r.output()).contains("Benchmarks:");
    for (String listed : name == null ? List.of("ShuffleLatencyBenchmark", "BarrierAlignmentBenchmark",
        "GateRecordPathBenchmark", "ShuffleThroughputBenchmark", "UnsafeRowSerializationBenchmark") : List.of(name)) {
      assertThat(r.output()).as("bench/run-jmh.sh -l lists %s", listed).contains("." + listed + ".");
    }
  }

  private static void demoPlan(String command) throws Exception {
    String c = command.startsWith("RTM_SKIP_BUILD=1 ") ? command : "RTM_SKIP_BUILD=1 " + command;
    Result r = shell(c + " --plan", Map.of());
    assertThat(r.exit()).as("%s --plan:%n%s", command, r.output()).isZero();
    assertThat(r.output()).contains("plan: real-time mode");
    Matcher pause = Pattern.compile("--pause-output-s (\\d+)").matcher(command);
    if (pause.find()) {
      assertThat(r.output()).contains("output broker paused for " + pause.group(1) + " s");
    }
  }

  private static void singleItCommand(String command) {
    Matcher m = Pattern.compile("^" + SINGLE_IT_MVN + "$").matcher(command);
    assertThat(m.matches()).as("%s has the form %s", command, SINGLE_IT_MVN).isTrue();
    String module = m.group(1);
    assertThat(module.equals("bench") || m.group(2) != null)
        .as("-pl it-tests -am includes bench, whose failsafe finds no %s without -Dfailsafe.failIfNoSpecifiedTests=false",
            m.group(3)).isTrue();
    String pkg = module.equals("bench") ? "io/rtm/bench/" : "io/rtm/it/";
    assertThat(root.resolve(module + "/src/test/java/" + pkg + m.group(3) + ".java")).isRegularFile();
  }

  private static void sparkSubmitReadsTheDefaults(String command) throws Exception {
    Path sparkSubmit = sparkSubmit();
    String c = command.replaceFirst("^spark-submit ", sparkSubmit + " ").replace(" your-app.jar", " --verbose --version");
    Result r = shell(c, Map.of("SPARK_HOME", sparkSubmit.getParent().getParent().toString()));
    assertThat(r.exit()).as("%s:%n%s", c, r.output()).isZero();
    assertThat(root.resolve("rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar")).isRegularFile();
    assertThat(r.output()).contains("(spark.plugins,io.rtm.plugin.RealTimeModePlugin)",
        "(spark.sql.extensions,io.rtm.plugin.RealTimeModeExtensions)",
        "(spark.sql.streaming.realTimeMode.enabled,true)",
        "rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar", "version 4.2.0");
  }

  private static void venvActivation(String command) throws Exception {
    requireVenv();
    Result r = shell(command + " && command -v spark-submit && command -v python3", Map.of());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains(root.resolve("python/.venv/bin/spark-submit").toString(),
        root.resolve("python/.venv/bin/python3").toString());
  }

  private static void pythonSparkSubmit(String command) throws Exception {
    requireVenv();
    // As python/README.md runs it: after the venv's activation, with SPARK_LOCAL_IP exported.
    Result r = shell("source python/.venv/bin/activate && spark-submit --properties-file spark-conf/local.conf"
        + " --verbose --version", Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("(spark.master,local[8])", "(spark.sql.streaming.realTimeMode.enabled,true)",
        "version 4.2.0");
    Result help = shell("python/.venv/bin/python python/apps/fraud_alert_app.py --help", Map.of());
    assertThat(help.exit()).as(help.output()).isZero();
    for (String flag : List.of("--bootstrap", "--input", "--output", "--checkpoint")) {
      assertThat(command).contains(flag + " ");
      assertThat(help.output()).contains(flag);
    }
  }

  private static void venvSetUp(String command) throws Exception {
    requireVenv();
    Result r = shell(command, Map.of());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("python/.venv ready", "PySpark 4.2.0");
  }

  private static void pytestSelection(String command) throws Exception {
    requireVenv();
    Path work = Sessions.workDir("docs-pytest");
    Result r = shell(command, Map.of("RTM_WORK_DIR", work.toString()));
    assertThat(r.exit()).as(r.output()).isZero();
    Matcher passed = Pattern.compile("(\\d+) passed").matcher(r.output());
    assertThat(passed.find()).as(r.output()).isTrue();
    assertThat(Integer.parseInt(passed.group(1))).as("the spark-conf template tests").isGreaterThanOrEqualTo(4);
    assertThat(r.output()).contains("deselected", "notebooks skipped").doesNotContain(" failed");
  }

  private static void jarListOneLiner(String command) throws Exception {
    requireVenv();
    Result r = shell(command, Map.of());
    assertThat(r.exit()).as(r.output()).isZero();
    List<String> jars = Arrays.asList(r.output().strip().split(","));
    assertThat(jars).anyMatch(j -> j.endsWith("rtm-plugin-0.1.0-SNAPSHOT.jar"))
        .anyMatch(j -> j.contains("spark-sql-kafka-0-10_2.13-4.2.0"))
        .anyMatch(j -> j.contains("kafka-clients-"))
        .allMatch(j -> Files.isRegularFile(Path.of(j)));
  }

  private static void ipykernelInstall(String command) throws Exception {
    requireVenv();
    Path home = Sessions.workDir("docs-home");
    Result r = shell(command, Map.of("HOME", home.toString(), "JUPYTER_DATA_DIR", home.resolve(".local/share/jupyter").toString()));
    assertThat(r.exit()).as(r.output()).isZero();
    Path kernel = home.resolve(".local/share/jupyter/kernels/rtm/kernel.json");
    assertThat(kernel).isRegularFile();
    assertThat(Files.readString(kernel)).contains("python/.venv/bin/python");
  }

  // --- running ---

  record Result(int exit, String output) {}

  private static Result shell(String command, Map<String, String> env) throws Exception {
    Path log = Sessions.workDir("docs-cmd").resolve("output.log");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within 3 minutes:\n" + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.printf("DOCS COMMAND exit %d in %d ms: %s%n", p.exitValue(), (System.nanoTime() - t0) / 1_000_000, command);
    return new Result(p.exitValue(), output);
  }

  private static void requireVenv() {
    BackgroundVenvSetUp.awaitIfPending(root);
    boolean present = Files.isExecutable(root.resolve("python/.venv/bin/python"));
    String missing = "no python/.venv; create it with python/run-python-tests.sh --setup-only";
    if ("1".equals(System.getenv("RTM_REQUIRE_SPARK_SUBMIT"))) {
      assertThat(present).as(missing).isTrue();
    }
    assumeTrue(present, missing);
  }

  private static Path sparkSubmit() throws IOException {
    requireVenv();
    try (Stream<Path> libs = Files.list(root.resolve("python/.venv/lib"))) {
      List<Path> found = new ArrayList<>();
      libs.map(l -> l.resolve("site-packages/pyspark/bin/spark-submit")).filter(Files::isExecutable).forEach(found::add);
      assertThat(found).as("PySpark's spark-submit in python/.venv").hasSize(1);
      return found.get(0);
    }
  }
}
