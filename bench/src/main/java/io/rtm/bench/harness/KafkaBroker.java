package io.rtm.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in its own JVM on 127.0.0.1.
 *
 * <p>Its own JVM so that a test can stall it with SIGSTOP, kill it, and measure latency without
 * the broker competing for the caller's heap and GC. Its classpath is {@link
 * Classpaths#kafkaBroker()}; its log is {@link #logFile()}.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final String HEAP = "-Xmx1g";

  private final Path dir;
  private final int port;
  private final Path config;
  private final Path logFile;
  private final Admin admin;
  private ChildProcess process;

  private KafkaBroker(Path dir, int port, Path config) {
    this.dir = dir;
    this.port = port;
    this.config = config;
    this.logFile = dir.resolve("broker.log");
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
  }

  /** Formats a fresh data dir under {@code workDir}, starts the broker and waits until it serves. */
  public static KafkaBroker start(Path workDir) {
    Path dir;
    try {
      Files.createDirectories(workDir);
      dir = Files.createTempDirectory(workDir.toAbsolutePath(), "kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int port = FreePorts.next();
    int controllerPort = FreePorts.next();
    Path config = dir.resolve("server.properties");
    Dirs.write(config, serverProperties(port, controllerPort, dir.resolve("data")));
    Dirs.write(dir.resolve("log4j2.properties"), LOG4J2);
    try {
      format(dir, config);
    } catch (RuntimeException e) {
      Dirs.deleteRecursively(dir); // the exception carries the tool's output
      throw e;
    }
    KafkaBroker broker = new KafkaBroker(dir, port, config);
    try {
      broker.launch();
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path logFile() {
    return logFile;
  }

  public Path dir() {
    return dir;
  }

  /** The broker JVM's pid, or -1 while stopped. */
  public long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  /** Creates a topic (replication 1) and waits until every partition has a leader. */
  public void createTopic(String name, int partitions) {
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name + diagnostics(), unwrap(e));
    }
    Poll.until(
        "leaders of topic " + name,
        Duration.ofSeconds(30),
        Duration.ofMillis(50),
        () -> leadersElected(name, partitions),
        this::diagnostics);
  }

  /** Freezes the broker JVM (SIGSTOP): connections stay open, nothing is served. */
  public void pause() {
    running().signal("STOP");
  }

  /** Thaws a paused broker (SIGCONT). */
  public void resume() {
    running().signal("CONT");
  }

  /** Shuts the broker down cleanly, keeping its port and data for {@link #restart()}. */
  public void stop() {
    if (process != null) {
      process.stop(STOP_GRACE);
      process = null;
    }
  }

  /** Starts a stopped broker again on the same port and data dir and waits until it serves. */
  public void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("broker is running; stop() it first");
    }
    launch();
  }

  /** Kills the broker and deletes its data dir. */
  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
    if (process != null) {
      process.kill();
      process = null;
    }
    Dirs.deleteRecursively(dir);
  }

  private void launch() {
    process =
        JavaCommand.main("kafka.Kafka")
            .classpath(Classpaths.kafkaBroker())
            .jvmArgs(
                HEAP,
                "-Xms256m",
                // kafka-run-class.sh's defaults: short pauses matter for latency benchmarks.
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri())
            .args(config.toString())
            .start("kafka-broker", dir, logFile);
    Poll.until(
        "Kafka broker at " + bootstrapServers(),
        STARTUP_TIMEOUT,
        Duration.ofMillis(100),
        this::serving,
        this::diagnostics);
  }

  private boolean serving() {
    ChildProcess current = process;
    if (!current.isAlive()) {
      throw new IllegalStateException(
          "Kafka broker exited with " + current.process().exitValue() + diagnostics());
    }
    try {
      return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private boolean leadersElected(String topic, int partitions) {
    try {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
      return description.partitions().size() == partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (Exception e) {
      return false;
    }
  }

  private ChildProcess running() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("broker is not running");
    }
    return process;
  }

  private String diagnostics() {
    return "\n--- last lines of " + logFile + " ---\n" + ChildProcess.tail(logFile, 40);
  }

  private static void format(Path dir, Path config) {
    JavaCommand.main("kafka.tools.StorageTool")
        .classpath(Classpaths.kafkaBroker())
        // A short-lived tool: C1 only, serial GC and a small heap start it noticeably faster.
        .jvmArgs(
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri())
        .args("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString())
        .run("kafka-storage-format", dir, dir.resolve("format.log"), Duration.ofSeconds(60));
  }

  private static String serverProperties(int port, int controllerPort, Path dataDir) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "inter.broker.listener.name=PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dataDir,
        "num.partitions=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        // One partition each: the default 50 slow down the first consumer group or transaction.
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        "num.network.threads=2",
        "num.io.threads=4",
        "");
  }

  private static Throwable unwrap(Exception e) {
    return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
  }

  private static final String LOG4J2 =
      String.join(
          "\n",
          "rootLogger.level = info",
          "rootLogger.appenderRef.out.ref = out",
          "appender.out.type = Console",
          "appender.out.name = out",
          "appender.out.target = SYSTEM_OUT",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d{ISO8601}] %p %m (%c)%n",
          // Per-request and state-change chatter would dominate the file during benchmarks.
          "logger.request.name = kafka.request.logger",
          "logger.request.level = warn",
          "logger.state.name = state.change.logger",
          "logger.state.level = warn",
          "logger.cleaner.name = kafka.log.LogCleaner",
          "logger.cleaner.level = warn",
          "");
}
