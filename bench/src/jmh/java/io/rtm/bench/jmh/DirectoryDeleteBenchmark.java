package io.rtm.bench.jmh;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.util.Utils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Spark 4.2.0's RocksDB state store does on the task thread in every snapshot commit before
 * RocksDB writes the checkpoint: create a fresh local directory and delete it again
 * ({@code RocksDB.createSnapshot}). {@code fork}: Spark's default on Linux, {@code rm -rf} in a new
 * process; {@code java-io}: what {@code spark.rtm.state.forkFreeDeletes} (the plugin's default)
 * makes Spark do instead. The JVM gets a 1 GiB heap with 512 MiB touched, as an executor's would be:
 * a fork's cost grows with the process it is forked from.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class DirectoryDeleteBenchmark {
  @Param({"fork", "java-io"})
  public String delete;

  private Path root;
  private final AtomicLong next = new AtomicLong();
  private byte[][] ballast;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    JavaUtils.isUnix = delete.equals("fork");
    root = Files.createTempDirectory("rtm-jmh-delete");
    ballast = new byte[2048][];
    for (int i = 0; i < ballast.length; i++) {
      ballast[i] = new byte[256 << 10];
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    JavaUtils.isUnix = true;
    Utils.deleteRecursively(root.toFile());
  }

  @Benchmark
  public boolean createAndDeleteCheckpointDir() throws Exception {
    File dir = Files.createDirectory(root.resolve("checkpoint-" + next.incrementAndGet())).toFile();
    Utils.deleteRecursively(dir);
    return dir.exists();
  }
}
