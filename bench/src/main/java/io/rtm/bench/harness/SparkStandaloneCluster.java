package io.rtm.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone master and N workers, each in its own JVM on 127.0.0.1, sharing a SPARK_HOME
 * built from Maven artifacts ({@link SparkHome}).
 *
 * <p>The driver stays in the caller's JVM: build a SparkSession with {@code master(masterUrl())},
 * {@code spark.driver.host=127.0.0.1} and {@code spark.driver.bindAddress=127.0.0.1}. Executors
 * see only SPARK_HOME's jars (Spark, spark-sql-kafka, kafka-clients); the caller ships its own
 * code — the plugin's shaded jar, a test's classes — with {@code spark.jars}, or, for classes that
 * must be on the executor's system classpath from the start (such as a {@code spark.plugins}
 * executor plugin), with {@code spark.executor.extraClassPath} pointing at a local jar: driver and
 * executors share this machine's file system. Keep {@code spark.executor.memory} at most 1g, the
 * memory each worker offers.
 *
 * <p>Run the driver JVM with environment variable {@code SPARK_LOCAL_IP=127.0.0.1} (Surefire's
 * {@code environmentVariables}): Spark reads it only from the environment, and without it the
 * driver resolves the host name to a non-loopback interface.
 */
public final class SparkStandaloneCluster implements AutoCloseable {
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final String DAEMON_HEAP = "-Xmx256m";

  private final Path dir;
  private final SparkHome home;
  private final int masterPort;
  private final int webUiPort;
  private final int coresPerWorker;
  private ChildProcess master;
  private final List<ChildProcess> workers = new ArrayList<>();

  private SparkStandaloneCluster(Path dir, SparkHome home, int coresPerWorker) {
    this.dir = dir;
    this.home = home;
    this.coresPerWorker = coresPerWorker;
    this.masterPort = FreePorts.next();
    this.webUiPort = FreePorts.next();
  }

  /** Starts a master and {@code workers} workers, and waits until all are ALIVE at the master. */
  public static SparkStandaloneCluster start(Path workDir, int workers, int coresPerWorker) {
    Path dir;
    try {
      Files.createDirectories(workDir);
      dir = Files.createTempDirectory(workDir.toAbsolutePath(), "spark-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SparkStandaloneCluster cluster =
        new SparkStandaloneCluster(dir, SparkHome.create(dir.resolve("spark-home")), coresPerWorker);
    try {
      cluster.startMaster();
      // A worker that finds no master retries only after 5-15 s; waiting for the master is faster.
      cluster.awaitMaster();
      for (int i = 0; i < workers; i++) {
        cluster.startWorker(i);
      }
      cluster.awaitAliveWorkers(workers);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public int masterWebUiPort() {
    return webUiPort;
  }

  public SparkHome sparkHome() {
    return home;
  }

  public Path dir() {
    return dir;
  }

  /** Worker JVM pids in start order (a killed worker's pid stays in its slot). */
  public List<Long> workerPids() {
    return workers.stream().map(ChildProcess::pid).toList();
  }

  /** Worker {@code i}'s log file; its executors log under {@code work-<i>/app-*}. */
  public Path workerLog(int i) {
    return workers.get(i).logFile();
  }

  public Path masterLog() {
    return master.logFile();
  }

  /** The master's current view of its workers. */
  public List<MasterStatus.Worker> workers() {
    return MasterStatus.workers(webUiPort);
  }

  public long aliveWorkers() {
    return MasterStatus.aliveWorkers(webUiPort);
  }

  /** SIGKILLs worker {@code i} and its executors, as a machine failure would. */
  public void killWorker(int i) {
    workers.get(i).kill();
  }

  @Override
  public void close() {
    // Workers first, so the master does not spend the shutdown rescheduling their executors.
    for (ChildProcess worker : workers) {
      worker.stop(STOP_GRACE);
    }
    if (master != null) {
      master.stop(STOP_GRACE);
    }
    Dirs.deleteRecursively(dir);
  }

  private void startMaster() {
    master =
        daemon("org.apache.spark.deploy.master.Master")
            .args("--host", "127.0.0.1", "--port", Integer.toString(masterPort),
                "--webui-port", Integer.toString(webUiPort))
            .start("spark-master", dir, dir.resolve("logs/master.log"));
  }

  private void startWorker(int i) {
    Path workerDir = dir.resolve("work-" + i);
    workers.add(
        daemon("org.apache.spark.deploy.worker.Worker")
            .env("SPARK_LOCAL_DIRS", dir.resolve("local-" + i).toString())
            .args(
                "--host", "127.0.0.1",
                "--webui-port", Integer.toString(FreePorts.next()),
                "--cores", Integer.toString(coresPerWorker),
                "--memory", "1g",
                "--work-dir", workerDir.toString(),
                masterUrl())
            .start("spark-worker-" + i, dir, dir.resolve("logs/worker-" + i + ".log")));
  }

  private JavaCommand daemon(String mainClass) {
    JavaCommand command =
        JavaCommand.main(mainClass)
            .classpath(home.classpath())
            // Small heaps: serial GC costs nothing here and spares GC threads on a two-core machine.
            .jvmArgs(DAEMON_HEAP, "-XX:+UseSerialGC")
            .jvmArgs(JavaCommand.SPARK_JAVA17_OPTIONS);
    for (Map.Entry<String, String> e : environment().entrySet()) {
      command.env(e.getKey(), e.getValue());
    }
    return command;
  }

  /** What the worker's launcher needs to build executor commands from this SPARK_HOME. */
  private Map<String, String> environment() {
    return Map.of(
        "SPARK_HOME", home.dir().toString(),
        "SPARK_CONF_DIR", home.confDir().toString(),
        "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_LOG_DIR", dir.resolve("logs").toString());
  }

  private void awaitMaster() {
    Poll.until(
        "Spark master at " + masterUrl(),
        STARTUP_TIMEOUT,
        Duration.ofMillis(100),
        () -> {
          if (!master.isAlive()) {
            throw new IllegalStateException("spark master exited:\n" + master.tail(40));
          }
          return MasterStatus.isUp(webUiPort);
        },
        this::diagnostics);
  }

  private void awaitAliveWorkers(int expected) {
    Poll.until(
        "Spark standalone cluster with " + expected + " ALIVE workers at " + masterUrl(),
        STARTUP_TIMEOUT,
        Duration.ofMillis(200),
        () -> {
          List<ChildProcess> all = new ArrayList<>(workers);
          all.add(master);
          for (ChildProcess p : all) {
            if (!p.isAlive()) {
              throw new IllegalStateException(p.name() + " exited:\n" + p.tail(40));
            }
          }
          return aliveWorkers() == expected;
        },
        this::diagnostics);
  }

  private String diagnostics() {
    StringBuilder out = new StringBuilder("master sees: " + workers());
    List<ChildProcess> all = new ArrayList<>(Collections.singletonList(master));
    all.addAll(workers);
    for (ChildProcess p : all) {
      out.append("\n--- ").append(p).append(" ---\n").append(p.tail(20));
    }
    return out.toString();
  }
}
